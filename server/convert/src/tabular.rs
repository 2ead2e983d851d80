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

const CELL_BYTES: u64 = std::mem::size_of::<Cell>() as u64;
const ROW_BYTES: u64 = std::mem::size_of::<Vec<Cell>>() as u64;

/// The heap a request of `bytes` really takes with a typical 64-bit allocator (glibc's: an
/// 8-byte header, 16-byte granules, 32 bytes at least).
fn heap_block(bytes: u64) -> u64 {
    if bytes == 0 {
        0
    } else {
        (bytes + 8).max(32).next_multiple_of(16)
    }
}

/// The estimated memory of a table being read, checked against
/// `ConvertLimits::max_table_bytes` cell by cell, so that an input which expands many times
/// over in memory (a flat array of tiny objects) is refused while it is read, not after.
pub(crate) struct TableBudget {
    used: u64,
    max: u64,
}

impl TableBudget {
    pub(crate) fn new(limits: &ConvertLimits) -> Self {
        TableBudget {
            used: 0,
            max: limits.max_table_bytes,
        }
    }

    fn charge(&mut self, bytes: u64) -> Result<(), ConvertError> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.max {
            return Err(ConvertError::LimitExceeded(format!(
                "The data takes more than {} MiB of memory once read, the limit for one \
                 conversion; split it into smaller files.",
                self.max / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// One cell: its slot in a row, and its text on the heap.
    fn cell(&mut self, cell: &Cell) -> Result<(), ConvertError> {
        let heap = match cell {
            Cell::Text(s) | Cell::Number(s) => heap_block(s.capacity() as u64),
            _ => 0,
        };
        self.charge(CELL_BYTES + heap)
    }

    /// A finished row: its slot in the table (twice, as the table's rows grow by doubling) and
    /// the allocator's share of its block (its cells' slots were charged one by one).
    fn row(&mut self, row: &[Cell]) -> Result<(), ConvertError> {
        let slots = row.len() as u64 * CELL_BYTES;
        self.charge(2 * ROW_BYTES + heap_block(slots) - slots)
    }
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
    let mut budget = TableBudget::new(limits);
    for (n, record) in reader.records().enumerate() {
        tick(n, limits)?;
        let record =
            record.map_err(|e| ConvertError::InvalidInput(format!("The CSV is malformed: {e}")))?;
        let mut row: Vec<Cell> = record.iter().map(|f| Cell::Text(f.to_owned())).collect();
        row.shrink_to_fit(); // the budget counts slots in use
        for cell in &row {
            budget.cell(cell)?;
        }
        budget.row(&row)?;
        table.rows.push(row);
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

const JSON_SHAPE: &str = "The JSON must be an array of objects (one per row) or an array of arrays";

/// Reads a JSON array of objects (keys become the header, in order of first appearance) or of
/// arrays (no header) straight into a table, one element at a time: no `serde_json::Value`
/// of the whole document is ever built, and every cell is charged to a `TableBudget`.
/// Nesting deeper than serde_json's recursion limit (128) is refused as invalid JSON.
pub(crate) fn read_json(input: &Path, limits: &ConvertLimits) -> Result<Table, ConvertError> {
    let text = read_text(input)?;
    if !text.trim_start().starts_with('[') {
        return Err(ConvertError::InvalidInput(format!("{JSON_SHAPE}.")));
    }
    check_deadline(limits)?;
    let mut reader = JsonTableReader {
        limits,
        budget: TableBudget::new(limits),
        table: Table::default(),
        objects: None,
        columns: HashMap::new(),
        header: Vec::new(),
        failure: None,
    };
    let mut de = serde_json::Deserializer::from_str(&text);
    let parsed = serde::de::DeserializeSeed::deserialize(RowsSeed(&mut reader), &mut de)
        .and_then(|()| de.end());
    // A limit or shape error raised inside the visitor is the real cause; serde only saw a
    // generic error string for it.
    if let Some(failure) = reader.failure.take() {
        return Err(failure);
    }
    parsed.map_err(|e| ConvertError::InvalidInput(format!("{JSON_SHAPE} ({e}).")))?;
    drop(text);
    check_deadline(limits)?;
    let mut table = reader.table;
    if let (Some(true), Some(slot)) = (reader.objects, table.rows.first_mut()) {
        *slot = reader.header;
        table.header = true;
    }
    Ok(table)
}

/// The state of `read_json` while serde walks the document.
struct JsonTableReader<'l> {
    limits: &'l ConvertLimits,
    budget: TableBudget,
    table: Table,
    /// Set by the first row: `Some(true)` when rows are objects, `Some(false)` for arrays.
    objects: Option<bool>,
    columns: HashMap<String, usize>,
    header: Vec<Cell>,
    failure: Option<ConvertError>,
}

impl JsonTableReader<'_> {
    /// Keeps `error` for `read_json` to return, and hands serde an error that stops the walk.
    fn fail<E: serde::de::Error>(&mut self, error: ConvertError) -> E {
        let message = error.to_string();
        self.failure = Some(error);
        E::custom(message)
    }

    fn check<E: serde::de::Error>(&mut self, result: Result<(), ConvertError>) -> Result<(), E> {
        result.map_err(|e| self.fail(e))
    }

    fn shape<E: serde::de::Error>(&mut self, objects: bool) -> Result<(), E> {
        match self.objects {
            None => {
                self.objects = Some(objects);
                if objects {
                    // Row 0 keeps a place for the header, known only at the end.
                    self.table.rows.push(Vec::new());
                }
                Ok(())
            }
            Some(seen) if seen == objects => Ok(()),
            Some(_) => Err(self.fail(ConvertError::InvalidInput(format!(
                "{JSON_SHAPE}, not a mix of both."
            )))),
        }
    }

    fn push_row<E: serde::de::Error>(&mut self, mut row: Vec<Cell>) -> Result<(), E> {
        // Rows grow by doubling while read; the spare slots would stay for the whole conversion.
        row.shrink_to_fit();
        let charged = self.budget.row(&row);
        self.check(charged)?;
        self.table.rows.push(row);
        Ok(())
    }
}

/// The top-level array: each element becomes a row as soon as it is read.
struct RowsSeed<'r, 'l>(&'r mut JsonTableReader<'l>);

impl<'de> serde::de::DeserializeSeed<'de> for RowsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for n in 0.. {
            let ticked = tick(n, self.0.limits);
            self.0.check::<A::Error>(ticked)?;
            if seq.next_element_seed(RowSeed(&mut *self.0))?.is_none() {
                break;
            }
        }
        Ok(())
    }
}

/// One element of the top-level array: an object (keys in document order) or an array.
struct RowSeed<'r, 'l>(&'r mut JsonTableReader<'l>);

impl<'de> serde::de::DeserializeSeed<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or an array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.0;
        r.shape::<A::Error>(true)?;
        let mut cells = vec![Cell::Empty; r.header.len()];
        for _ in 0..cells.len() {
            let charged = r.budget.cell(&Cell::Empty);
            r.check::<A::Error>(charged)?;
        }
        while let Some(key) = map.next_key::<String>()? {
            let cell = map.next_value::<JsonCell>()?.0;
            let next = r.header.len();
            let i = *r.columns.entry(key.clone()).or_insert(next);
            if i == next {
                let name = Cell::Text(key);
                // Twice: the header cell, and the key's copy in `columns`.
                let charged = r.budget.cell(&name).and_then(|()| r.budget.cell(&name));
                r.check::<A::Error>(charged)?;
                r.header.push(name);
            }
            if cells.len() <= i {
                cells.resize(i + 1, Cell::Empty);
                let charged = r.budget.cell(&Cell::Empty);
                r.check::<A::Error>(charged)?;
            }
            let charged = r.budget.cell(&cell);
            r.check::<A::Error>(charged)?;
            cells[i] = cell;
        }
        r.push_row(cells)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let r = self.0;
        r.shape::<A::Error>(false)?;
        let mut cells = Vec::new();
        while let Some(JsonCell(cell)) = seq.next_element()? {
            let charged = r.budget.cell(&cell);
            r.check::<A::Error>(charged)?;
            cells.push(cell);
        }
        r.push_row(cells)
    }
}

/// A value inside a row. Nested arrays and objects become their compact JSON text, written
/// as they are read (never as a `Value`, which would take many times the text's size).
struct JsonCell(Cell);

impl<'de> Deserialize<'de> for JsonCell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = JsonCell;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Empty))
    }
    fn visit_bool<E>(self, b: bool) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Number(n.to_string())))
    }
    fn visit_u64<E>(self, n: u64) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Number(n.to_string())))
    }
    fn visit_f64<E>(self, n: f64) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Number(float_text(n))))
    }
    fn visit_str<E>(self, s: &str) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Text(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<JsonCell, E> {
        Ok(JsonCell(Cell::Text(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JsonCell, A::Error> {
        let mut text = String::new();
        CompactJson(&mut text).visit_seq(seq)?;
        Ok(JsonCell(Cell::Text(text)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<JsonCell, A::Error> {
        let mut text = String::new();
        CompactJson(&mut text).visit_map(map)?;
        Ok(JsonCell(Cell::Text(text)))
    }
}

/// A float as serde_json prints it (JSON numbers are always finite).
fn float_text(n: f64) -> String {
    serde_json::Number::from_f64(n).map_or_else(|| "null".into(), |n| n.to_string())
}

/// Appends the compact JSON text of the value it deserializes to the string (objects keep
/// their keys in document order).
struct CompactJson<'s>(&'s mut String);

impl<'de> serde::de::DeserializeSeed<'de> for CompactJson<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl CompactJson<'_> {
    fn quoted<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let quoted = serde_json::to_string(s).map_err(E::custom)?;
        self.0.push_str(&quoted);
        Ok(())
    }
}

impl<'de> Visitor<'de> for CompactJson<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.0.push_str(if b { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.0.push_str(&n.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.0.push_str(&n.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.0.push_str(&float_text(n));
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        self.quoted(s)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(CompactJson(&mut *self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                self.0.push(',');
            }
            first = false;
            CompactJson(&mut *self.0).quoted::<A::Error>(&key)?;
            self.0.push(':');
            map.next_value_seed(CompactJson(&mut *self.0))?;
        }
        self.0.push('}');
        Ok(())
    }
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
