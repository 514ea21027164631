//! The message templates (`jobs/templates/`, compiled into the binary) and how they are rendered: an
//! email's `.txt` template sets its `subject` and is the plain-text part, its `.html` template (HTML
//! auto-escaping: names and product titles are data, never markup) the other part; an SMS is one
//! `.txt` template. Undefined variables are errors, so a template and its context never drift apart
//! unnoticed.

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

const SOURCES: &[(&str, &str)] = templates!(
    "email/base.html",
    "email/footer.txt",
    "email/order_lines.txt",
    "email/order_table.html",
    "email/order_confirmation.txt",
    "email/order_confirmation.html",
    "email/payment_failed.txt",
    "email/payment_failed.html",
    "email/shipped.txt",
    "email/shipped.html",
    "email/refunded.txt",
    "email/refunded.html",
    "email/password_reset.txt",
    "email/password_reset.html",
    "email/verify_email.txt",
    "email/verify_email.html",
    "email/back_in_stock.txt",
    "email/back_in_stock.html",
    "sms/shipped.txt",
    "sms/back_in_stock.txt",
);

/// An email's subject and both its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Every template, parsed once at start-up.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Parses every template; a syntax error stops the worker at start-up (and fails the unit tests).
    pub fn new() -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // `{% … %}` lines leave no blank line behind in the plain-text parts.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            // An included part (the order's lines) ends its last line, as its file does.
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| anyhow::anyhow!("template syntax: {e}"))?;
        env.set_syntax(syntax);
        for (name, source) in SOURCES {
            env.add_template(name, source)
                .map_err(|e| anyhow::anyhow!("template {name}: {e:#}"))?;
        }
        Ok(Self { env })
    }

    /// Renders email `kind` (`email/<kind>.txt` and `.html`) with `ctx`.
    pub fn email(&self, kind: &str, ctx: Value) -> anyhow::Result<RenderedEmail> {
        let text_name = format!("email/{kind}.txt");
        let captured = self
            .env
            .get_template(&text_name)?
            .render_captured(ctx.clone())
            .map_err(|e| anyhow::anyhow!("rendering {text_name}: {e:#}"))?;
        let subject = captured
            .state()
            .lookup("subject")
            .map(|s| one_line(&s.to_string()))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow::anyhow!("{text_name} sets no subject"))?;
        let text = captured.into_output().trim_start().to_owned();
        let html_name = format!("email/{kind}.html");
        let html_ctx = minijinja::context! { subject => subject.clone(), ..ctx };
        let html = self
            .env
            .get_template(&html_name)?
            .render(html_ctx)
            .map_err(|e| anyhow::anyhow!("rendering {html_name}: {e:#}"))?;
        Ok(RenderedEmail {
            subject,
            text,
            html,
        })
    }

    /// Renders SMS `kind` (`sms/<kind>.txt`) as one line.
    pub fn sms(&self, kind: &str, ctx: Value) -> anyhow::Result<String> {
        let name = format!("sms/{kind}.txt");
        let body = self
            .env
            .get_template(&name)?
            .render(ctx)
            .map_err(|e| anyhow::anyhow!("rendering {name}: {e:#}"))?;
        Ok(one_line(&body))
    }
}

/// `s` on one line with single spaces: a header (or an SMS) never carries a line break a product title
/// smuggled in.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn every_template_parses() {
        Templates::new().unwrap();
    }

    #[test]
    fn html_escapes_data_and_text_keeps_it() {
        let t = Templates::new().unwrap();
        let ctx = context! {
            shop_name => "Shop",
            store_url => "https://shop.example",
            product => "<script>alert(1)</script> Café \"Noël\" 🎄\nBcc: x@y.z",
            link => "https://shop.example/products/cafe?a=1&b=2",
        };
        let email = t.email("back_in_stock", ctx).unwrap();
        assert_eq!(
            email.subject,
            "Back in stock: <script>alert(1)</script> Café \"Noël\" 🎄 Bcc: x@y.z"
        );
        assert!(
            email
                .html
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; Café &quot;Noël&quot; 🎄"),
            "{}",
            email.html
        );
        assert!(!email.html.contains("<script>"));
        assert!(
            email.html.contains(
                "href=\"https:&#x2f;&#x2f;shop.example&#x2f;products&#x2f;cafe?a=1&amp;b=2\""
            ),
            "{}",
            email.html
        );
        assert!(email
            .text
            .contains("<script>alert(1)</script> Café \"Noël\" 🎄"));
        assert!(email.text.starts_with("Hello,"), "{}", email.text);
    }

    #[test]
    fn a_missing_variable_is_an_error_not_a_blank() {
        let t = Templates::new().unwrap();
        let err = t
            .email("back_in_stock", context! { shop_name => "Shop" })
            .unwrap_err();
        assert!(format!("{err:#}").contains("back_in_stock"), "{err:#}");
    }
}
