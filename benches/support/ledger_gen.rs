//! A deterministic synthetic purchase ledger, shaped like `../shared/bench/gen_purchases.py`
//! (orders of several lines from one supplier, Zipf-like supplier frequency, per-supplier
//! catalogues, credit notes, names that need quoting, non-ASCII names) but small and fast,
//! for the benches and the fast-path correctness test. Shared by `benches/` and
//! `tests/it/perf.rs` through `#[path]`.

#![allow(dead_code)] // each includer uses a part

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Data rows.
    pub rows: usize,
    /// Suppliers.
    pub suppliers: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// End lines with `\r\n` instead of `\n`.
    pub crlf: bool,
    /// Add a `profit` column (some lines leave it empty).
    pub profit: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            rows: 10_000,
            suppliers: 200,
            seed: 42,
            crlf: false,
            profit: false,
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn money(cents: i64, decimals: u32) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    match decimals {
        0 => format!("{sign}{}", c / 100),
        1 => format!("{sign}{}.{}", c / 100, (c % 100) / 10),
        _ => format!("{sign}{}.{:02}", c / 100, c % 100),
    }
}

/// The ledger as CSV text.
pub fn ledger(shape: Shape) -> String {
    let mut rng = Rng(shape.seed);
    let nl = if shape.crlf { "\r\n" } else { "\n" };
    let names = [
        "Nord Stahl GmbH",
        "\"Smith, Jones & Partners LLP\"",
        "\"ООО \"\"Ромашка\"\"\"",
        "Müller Logistik AG",
        "Škoda Parts s.r.o.",
        "Atlas Supply Ltd",
    ];
    // Per supplier: name, main category, catalogue of (item, category, price in cents).
    let mut catalogue = Vec::new();
    let mut next_item = 1;
    for s in 0..shape.suppliers {
        let main = rng.below(40);
        let k = 1 + rng.below(12) as usize;
        let items: Vec<(String, u64, i64)> = (0..k)
            .map(|_| {
                let cat = if rng.below(100) < 85 {
                    main
                } else {
                    rng.below(40)
                };
                // Round prices (whole or ten-cent amounts) give amounts written with fewer
                // decimals below, so that sums mix scales.
                let price = match rng.below(10) {
                    0 => 100 * (1 + rng.below(500) as i64),
                    1 => 10 * (1 + rng.below(5000) as i64),
                    _ => 5 + rng.below(50_000) as i64,
                };
                next_item += 1;
                (format!("I{next_item:07}"), cat, price)
            })
            .collect();
        let name = names[s % names.len()].to_string();
        catalogue.push((format!("S{:05}", rng.below(1_000_000)), name, items));
    }
    // Ids drawn at random may repeat: keep them unique by position.
    for (i, c) in catalogue.iter_mut().enumerate() {
        c.0 = format!("{}{i}", c.0);
    }
    let mut out = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency",
    );
    if shape.profit {
        out.push_str(",profit");
    }
    out.push_str(nl);
    let mut written = 0;
    let mut order = 0;
    while written < shape.rows {
        order += 1;
        // Zipf-like: small ranks far more often.
        let r = rng.below(1 << 20) as f64 / f64::from(1 << 20);
        let s = ((shape.suppliers as f64).powf(r) as usize).saturating_sub(1);
        let (sid, name, items) = &catalogue[s.min(shape.suppliers - 1)];
        let credit = rng.below(100) == 0;
        let lines = 1 + rng.below(6) as usize;
        let day = 1 + (written * 365 / shape.rows.max(1)) as u32;
        let (m, d) = month_day(day);
        for _ in 0..lines.min(shape.rows - written) {
            let (item, cat, price) = &items[rng.below(items.len() as u64) as usize];
            let mut qty = 1 + rng.below(20) as i64;
            if credit {
                qty = -qty;
            }
            let amount = qty * price;
            let decimals = if amount % 100 == 0 {
                rng.below(3) as u32
            } else if amount % 10 == 0 {
                1 + rng.below(2) as u32
            } else {
                2
            };
            out.push_str(&format!(
                "{}{order:08},2025-{m:02}-{d:02},{sid},{name},CAT-{cat:03},{item},{qty},{},{},EUR",
                if credit { "CN" } else { "PO" },
                money(*price, 2),
                money(amount, decimals),
            ));
            if shape.profit {
                out.push(',');
                if rng.below(5) != 0 {
                    out.push_str(&money(amount / 4, 2));
                }
            }
            out.push_str(nl);
            written += 1;
        }
    }
    out
}

fn month_day(day_of_year: u32) -> (u32, u32) {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day_of_year.clamp(1, 365);
    for (i, len) in lengths.iter().enumerate() {
        if d <= *len {
            return (i as u32 + 1, d);
        }
        d -= len;
    }
    (12, 31)
}
