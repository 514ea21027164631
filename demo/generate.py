#!/usr/bin/env python3
"""Writes the bundled demo supplier feed (Shopify /products.json format) and its product images.

Deterministic: running it again produces the same files. Image file names carry a content hash so the
storefront can serve them as immutable assets. Run: python3 demo/generate.py
"""
import hashlib, json, pathlib, random

ROOT = pathlib.Path(__file__).parent
rng = random.Random(7)

CATALOG = {
    "T-Shirts": (["Size", "Color"], [["S", "M", "L", "XL"], ["Black", "White", "Sage"]], 2200, 3400,
                 ["Organic Crew Tee", "Pocket Tee", "Heavyweight Tee", "Raglan Tee", "Slub Linen Tee",
                  "Longline Tee", "Boxy Tee", "Henley Tee", "Ringer Tee", "Merino Tee", "Graphic Tee Horizon"]),
    "Hoodies": (["Size"], [["S", "M", "L", "XL"]], 5400, 8900,
                ["Fleece Hoodie", "Zip Hoodie", "Trail Hoodie", "Cropped Hoodie", "Waffle Hoodie",
                 "Half-Zip Sweat", "Terry Crewneck", "Quilted Hoodie", "Recycled Hoodie", "Studio Hoodie"]),
    "Footwear": (["Size"], [["40", "41", "42", "43", "44"]], 7900, 15900,
                 ["Canvas Low Sneaker", "Runner One", "Trail Runner", "Leather Loafer", "Court Classic",
                  "Desert Boot", "Slip-On Knit", "Hiking Boot", "Sandal Strap", "Chelsea Boot"]),
    "Bags": (["Color"], [["Black", "Olive", "Sand"]], 3900, 12900,
             ["Daypack 20L", "Roll-Top Backpack", "Canvas Tote", "Sling Bag", "Weekender Duffel",
              "Laptop Sleeve", "Hip Pack", "Market Tote", "Commuter Pack", "Travel Organizer"]),
    "Kitchen": (["Color"], [["Stone", "Ink", "Clay"]], 1400, 6900,
                ["Stoneware Mug", "Pour-Over Set", "Ceramic Bowl Set", "Enamel Kettle", "Oak Cutting Board",
                 "Espresso Cups", "Glass Carafe", "Chef Knife", "Linen Apron", "Spice Jar Set"]),
    "Stationery": (["Style"], [["Dotted", "Lined", "Blank"]], 800, 3200,
                   ["A5 Notebook", "Pocket Journal", "Weekly Planner", "Sketchbook", "Fountain Pen",
                    "Brass Pen", "Desk Pad", "Sticky Notes", "Pencil Set", "Card Wallet"]),
}
PALETTE = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#355070", "#b56576"]


def slug(text):
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


def svg(title, color):
    words = title.split()
    lines = [" ".join(words[: (len(words) + 1) // 2]), " ".join(words[(len(words) + 1) // 2:])]
    text = "".join(
        f'<text x="200" y="{190 + i * 44}" font-size="34" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{line}</text>' for i, line in enumerate(lines) if line)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">'
            f'<rect width="400" height="400" fill="{color}"/><circle cx="330" cy="70" r="40" fill="#ffffff33"/>'
            f'{text}</svg>\n')


def variants_of(pid, option_values, low, high, sku_prefix):
    combos = [[]]
    for values in option_values:
        combos = [c + [v] for c in combos for v in values]
    price = rng.randrange(low, high, 100) - rng.choice([0, 1, 5])
    out = []
    for pos, combo in enumerate(combos, 1):
        vid = pid * 100 + pos
        out.append({
            "id": vid, "title": " / ".join(combo),
            "option1": combo[0] if len(combo) > 0 else None,
            "option2": combo[1] if len(combo) > 1 else None,
            "option3": combo[2] if len(combo) > 2 else None,
            "sku": f"{sku_prefix}-{'-'.join(slug(v).upper() for v in combo)}",
            "requires_shipping": True, "taxable": True, "featured_image": None,
            # A few sold-out variants so the storefront shows every stock state.
            "available": rng.random() > 0.08,
            "price": f"{(price + (pos % 2) * 200 * (len(option_values) > 1)) / 100:.2f}",
            "grams": rng.randrange(100, 1500, 50), "compare_at_price": None, "position": pos,
            "product_id": pid, "created_at": "2026-10-01T09:00:00-04:00", "updated_at": "2026-11-01T09:00:00-04:00",
        })
    return out


def main():
    images_dir = ROOT / "images"
    for old in images_dir.glob("*.svg"):
        old.unlink()
    products, pid = [], 7000
    for ptype, (opt_names, opt_values, low, high, titles) in CATALOG.items():
        for title in titles:
            pid += 1
            handle = slug(title)
            body = svg(title, PALETTE[pid % len(PALETTE)])
            digest = hashlib.sha256(body.encode()).hexdigest()[:10]
            name = f"{handle}.{digest}.svg"
            (images_dir / name).write_text(body)
            sku_prefix = "".join(w[0] for w in title.split()).upper() + str(pid)
            products.append({
                "id": pid, "title": title, "handle": handle,
                "body_html": f"<p>The {title} from the Meridian demo collection.</p>"
                             f"<ul><li>Made to last</li><li>Ships in recycled packaging</li></ul>",
                "published_at": "2026-10-01T09:00:00-04:00", "created_at": "2026-10-01T09:00:00-04:00",
                "updated_at": "2026-11-01T09:00:00-04:00", "vendor": "Meridian Supply Co.",
                "product_type": ptype, "tags": sorted({slug(ptype), rng.choice(["new", "bestseller", "eco"])}),
                "variants": variants_of(pid, opt_values, low, high, sku_prefix),
                "images": [{"id": pid * 10, "created_at": "2026-10-01T09:00:00-04:00", "position": 1,
                            "updated_at": "2026-11-01T09:00:00-04:00", "alt": title, "width": 400,
                            "height": 400, "src": f"/media/{name}", "variant_ids": [], "product_id": pid}],
                "options": [{"name": n, "position": i + 1, "values": v}
                            for i, (n, v) in enumerate(zip(opt_names, opt_values))],
            })
    (ROOT / "products.json").write_text(json.dumps({"products": products}, indent=1) + "\n")
    print(f"{len(products)} products, {sum(len(p['variants']) for p in products)} variants")


main()
