//! Tabular data: the in-memory table every data conversion goes through, CSV and JSON I/O.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::text::read_text;
use crate::{check_deadline, io_error, ConvertError, ConvertLimits};

/// One cell. Numbers keep their text so that CSV and JSON round trips stay exact.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(String),
    Bool(bool),
}

impl Cell {
    fn as_text(&self) -> &str {
        match self {
            Cell::Empty => "",
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Bool(true) => "true",
            Cell::Bool(false) => "false",
        }
    }
}

/// Rows of cells; when `header` is set the first row names the columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub header: bool,
}

/// Checks the deadline every 1024 rows: cheap enough to put in every row loop.
pub(crate) fn tick(n: usize, limits: &ConvertLimits) -> Result<(), ConvertError> {
    if n.is_multiple_of(1024) {
        check_deadline(limits)?;
    }
    Ok(())
}

/// Picks the delimiter used most on the first line: comma, semicolon or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |d: char| first.chars().filter(|&c| c == d).count();
    let (semi, tab, comma) = (count(';'), count('\t'), count(','));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma {
        b'\t'
    } else {
        b','
    }
}

pub(crate) fn read_csv(input: &Path, limits: &ConvertLimits) -> Result<Table, ConvertError> {
    let text = read_text(input)?;
    check_deadline(limits)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut table = Table {
        rows: Vec::new(),
        header: true,
    };
    for (n, record) in reader.records().enumerate() {
        tick(n, limits)?;
        let record =
            record.map_err(|e| ConvertError::InvalidInput(format!("The CSV is malformed: {e}")))?;
        table
            .rows
            .push(record.iter().map(|f| Cell::Text(f.to_owned())).collect());
    }
    Ok(table)
}

pub(crate) fn write_csv(
    table: &Table,
    output: &Path,
    limits: &ConvertLimits,
) -> Result<(), ConvertError> {
    let file = File::create(output).map_err(io_error)?;
    let mut writer = csv::Writer::from_writer(BufWriter::new(file));
    // Rows are padded so that the CSV is rectangular, as spreadsheet tools expect.
    let width = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    for (n, row) in table.rows.iter().enumerate() {
        tick(n, limits)?;
        let fields: Vec<Cow<'_, str>> = (0..width)
            .map(|i| spreadsheet_safe(row.get(i).map_or("", Cell::as_text)))
            .collect();
        writer
            .write_record(fields.iter().map(|f| f.as_bytes()))
            .map_err(|e| ConvertError::Io(e.to_string()))?;
    }
    writer.flush().map_err(io_error)
}

/// Neutralises CSV injection (OWASP): a spreadsheet runs a cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return as a formula, so such a cell gets a leading `'`, which makes it
/// text. A plain number (`-5`, `+3.2`, `1e3`) is no formula and is kept as it is.
fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(text) => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// A decimal number: optional sign, digits with at most one point, optional exponent.
/// Deliberately stricter than `f64::from_str`, which also takes `-inf` and `NaN`.
fn is_plain_number(text: &str) -> bool {
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// One element of the top-level JSON array, object keys in document order.
enum JsonRow {
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
}

impl<'de> Deserialize<'de> for JsonRow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = JsonRow;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or an array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonRow, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(JsonRow::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonRow, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element::<Value>()? {
                    values.push(value);
                }
                Ok(JsonRow::Array(values))
            }
        }
        deserializer.deserialize_any(RowVisitor)
    }
}

const JSON_SHAPE: &str = "The JSON must be an array of objects (one per row) or an array of arrays";

fn value_cell(value: Value) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Bool(b) => Cell::Bool(b),
        Value::Number(n) => Cell::Number(n.to_string()),
        Value::String(s) => Cell::Text(s),
        nested => Cell::Text(nested.to_string()),
    }
}

pub(crate) fn read_json(input: &Path, limits: &ConvertLimits) -> Result<Table, ConvertError> {
    let text = read_text(input)?;
    if !text.trim_start().starts_with('[') {
        return Err(ConvertError::InvalidInput(format!("{JSON_SHAPE}.")));
    }
    let rows: Vec<JsonRow> = serde_json::from_str(&text)
        .map_err(|e| ConvertError::InvalidInput(format!("{JSON_SHAPE} ({e}).")))?;
    drop(text);
    check_deadline(limits)?;
    if rows.iter().all(|r| matches!(r, JsonRow::Array(_))) {
        let mut table = Table {
            rows: Vec::with_capacity(rows.len()),
            header: false,
        };
        for (n, row) in rows.into_iter().enumerate() {
            tick(n, limits)?;
            if let JsonRow::Array(values) = row {
                table
                    .rows
                    .push(values.into_iter().map(value_cell).collect());
            }
        }
        return Ok(table);
    }
    // Objects: the header is the union of all keys, in order of first appearance.
    let mut columns: HashMap<String, usize> = HashMap::new();
    let mut header = Vec::new();
    let mut body = Vec::with_capacity(rows.len());
    for (n, row) in rows.into_iter().enumerate() {
        tick(n, limits)?;
        let JsonRow::Object(entries) = row else {
            return Err(ConvertError::InvalidInput(format!(
                "{JSON_SHAPE}, not a mix of both."
            )));
        };
        let mut cells = vec![Cell::Empty; header.len()];
        for (key, value) in entries {
            let next = header.len();
            let i = *columns.entry(key.clone()).or_insert(next);
            if i == next {
                header.push(Cell::Text(key));
            }
            if cells.len() <= i {
                cells.resize(i + 1, Cell::Empty);
            }
            cells[i] = value_cell(value);
        }
        body.push(cells);
    }
    let mut table = Table {
        rows: Vec::with_capacity(body.len() + 1),
        header: true,
    };
    table.rows.push(header);
    table.rows.extend(body);
    Ok(table)
}

/// Unique, non-empty keys from the header row (`column_N` for blanks, `_2`.. for repeats).
fn json_keys(header: &[Cell], width: usize) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    (0..width)
        .map(|i| {
            let name = header.get(i).map_or("", Cell::as_text).trim();
            let base = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name.to_owned()
            };
            let mut key = base.clone();
            let mut k = 2;
            while used.contains(&key) {
                key = format!("{base}_{k}");
                k += 1;
            }
            used.insert(key.clone());
            key
        })
        .collect()
}

fn cell_json(cell: Option<&Cell>) -> Value {
    match cell {
        None | Some(Cell::Empty) => Value::Null,
        Some(Cell::Text(s)) => Value::String(s.clone()),
        Some(Cell::Bool(b)) => Value::Bool(*b),
        Some(Cell::Number(s)) => s
            .parse::<serde_json::Number>()
            .map_or_else(|_| Value::String(s.clone()), Value::Number),
    }
}

/// Writes the table as a JSON array of objects keyed by the first row.
pub(crate) fn write_json(
    table: &Table,
    output: &Path,
    limits: &ConvertLimits,
) -> Result<(), ConvertError> {
    let file = File::create(output).map_err(io_error)?;
    let mut w = BufWriter::new(file);
    let (header, body) = match table.rows.split_first() {
        Some((h, b)) => (h.as_slice(), b),
        None => (&[][..], &[][..]),
    };
    let width = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    let keys: Vec<String> = json_keys(header, width)
        .iter()
        .map(|k| Value::String(k.clone()).to_string())
        .collect();
    let mut out = String::new();
    w.write_all(b"[").map_err(io_error)?;
    for (n, row) in body.iter().enumerate() {
        tick(n, limits)?;
        out.clear();
        out.push_str(if n == 0 { "\n  {" } else { ",\n  {" });
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&cell_json(row.get(i)).to_string());
        }
        out.push('}');
        w.write_all(out.as_bytes()).map_err(io_error)?;
    }
    w.write_all(if body.is_empty() { b"]\n" } else { b"\n]\n" })
        .map_err(io_error)?;
    w.flush().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_named() {
        let header = vec![
            Cell::Text("a".into()),
            Cell::Text("".into()),
            Cell::Text("a".into()),
        ];
        assert_eq!(
            json_keys(&header, 4),
            vec!["a", "column_2", "a_2", "column_4"]
        );
        let tricky = vec![
            Cell::Text("a".into()),
            Cell::Text("a_2".into()),
            Cell::Text("a".into()),
        ];
        assert_eq!(json_keys(&tricky, 3), vec!["a", "a_2", "a_3"]);
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        for formula in [
            "=1+1",
            "+cmd",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\tx",
            "\r=1",
            "-",
            "+",
            "-inf",
            "-NaN",
            "-.",
            "-1e",
            "+1.2.3",
            "-1e+",
        ] {
            assert_eq!(
                spreadsheet_safe(formula),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        for kept in [
            "-5", "+3.2", "1e3", "-1.5E-3", "+.5", "-5.", "42", "", "a=b", " =1", "'=1", "x-1",
        ] {
            assert_eq!(spreadsheet_safe(kept), kept, "{kept:?}");
        }
    }

    #[test]
    fn written_csv_is_safe_to_open_in_a_spreadsheet() {
        let dir = std::env::temp_dir().join(format!("tc-tabular-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let output = dir.join("safe.csv");
        let table = Table {
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"x\")".into()),
                    Cell::Text("n".into()),
                ],
                vec![Cell::Text("@cmd".into()), Cell::Number("-5".into())],
                vec![Cell::Text("+3.2".into()), Cell::Text("-x".into())],
            ],
            header: true,
        };
        let limits = ConvertLimits::with_timeout(std::time::Duration::from_secs(60));
        write_csv(&table, &output, &limits).unwrap();
        let written = std::fs::read_to_string(&output).unwrap();
        assert_eq!(
            written,
            "\"'=HYPERLINK(\"\"x\"\")\",n\n'@cmd,-5\n+3.2,'-x\n"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b;c\n"), b',');
    }
}
