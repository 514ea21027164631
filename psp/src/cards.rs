//! Stripe's test card numbers and what each one does; every other number is refused as invalid.

/// What the card network says about a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Approve,
    Decline {
        decline_code: &'static str,
        message: &'static str,
    },
    InvalidNumber,
}

/// Stripe's message for a number that is not a card (shown on the page; no PaymentIntent is touched).
pub(crate) const INVALID_NUMBER: &str = "Your card number is invalid.";

/// Judges `number`; spaces are allowed between digit groups, as people type them.
pub(crate) fn judge(number: &str) -> Verdict {
    let digits: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    match digits.as_str() {
        "4242424242424242" => Verdict::Approve,
        "4000000000000002" => Verdict::Decline {
            decline_code: "generic_decline",
            message: "Your card was declined.",
        },
        "4000000000009995" => Verdict::Decline {
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        },
        _ => Verdict::InvalidNumber,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_test_cards() {
        assert_eq!(judge("4242 4242 4242 4242"), Verdict::Approve);
        assert!(matches!(
            judge("4000000000009995"),
            Verdict::Decline {
                decline_code: "insufficient_funds",
                ..
            }
        ));
        assert!(matches!(
            judge("4000 0000 0000 0002"),
            Verdict::Decline {
                decline_code: "generic_decline",
                ..
            }
        ));
        assert_eq!(judge("1234"), Verdict::InvalidNumber);
    }
}
