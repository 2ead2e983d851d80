//! XLSX: a zip-bomb guard, reading the first sheet with calamine, writing with rust_xlsxwriter.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::tabular::{tick, Cell, Table};
use crate::{check_deadline, io_error, ConvertError, ConvertLimits};

/// More entries than any real workbook has; each costs memory before anything is read.
const MAX_ENTRIES: usize = 10_000;
/// Deflate cannot pass ~1032:1; a larger declared ratio means a crafted archive.
const MAX_RATIO: u64 = 1_024;
/// Largest sheet bounding box (rows × columns) turned into a dense table.
const MAX_CELLS: u64 = 5_000_000;
/// XLSX format limits.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLS: usize = 16_384;

fn invalid(e: impl std::fmt::Display) -> ConvertError {
    ConvertError::InvalidInput(format!("The file is not a readable XLSX workbook: {e}"))
}

fn too_big() -> ConvertError {
    ConvertError::LimitExceeded("The workbook unpacks to more data than allowed.".into())
}

/// Rejects zip bombs before calamine opens the file: checks the sizes the central directory
/// declares, then inflates every entry into a sink, counting, so a lying header is caught too.
pub(crate) fn check_zip(input: &Path, limits: &ConvertLimits) -> Result<(), ConvertError> {
    let file = File::open(input).map_err(io_error)?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(invalid)?;
    if archive.len() > MAX_ENTRIES {
        return Err(ConvertError::LimitExceeded(
            "The workbook has too many parts.".into(),
        ));
    }
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(invalid)?;
        let (size, packed) = (entry.size(), entry.compressed_size());
        declared = declared.saturating_add(size);
        if size > 1 << 20 && size / packed.max(1) > MAX_RATIO {
            return Err(ConvertError::LimitExceeded(
                "The workbook has an implausible compression ratio.".into(),
            ));
        }
    }
    if declared > limits.max_uncompressed {
        return Err(too_big());
    }
    let mut actual: u64 = 0;
    for i in 0..archive.len() {
        check_deadline(limits)?;
        let entry = archive.by_index(i).map_err(invalid)?;
        let room = limits.max_uncompressed - actual;
        let read =
            io::copy(&mut entry.take(room.saturating_add(1)), &mut io::sink()).map_err(invalid)?;
        actual = actual.saturating_add(read);
        if actual > limits.max_uncompressed {
            return Err(too_big());
        }
    }
    Ok(())
}

fn format_datetime(dt: &calamine::ExcelDateTime) -> String {
    if dt.is_duration() {
        let secs = (dt.as_f64() * 86_400.0).round();
        let (h, rest) = ((secs / 3600.0).trunc(), secs % 3600.0);
        return format!("{h}:{:02}:{:02}", (rest / 60.0).trunc(), rest % 60.0);
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    match (dt.as_f64() < 1.0, (h, mi, s) == (0, 0, 0)) {
        (true, _) => format!("{h:02}:{mi:02}:{s:02}"),
        (false, true) => format!("{y:04}-{mo:02}-{d:02}"),
        (false, false) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    }
}

fn data_cell(value: DataRef<'_>) -> Option<Cell> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::Int(i) => Cell::Number(i.to_string()),
        DataRef::Float(f) if f.is_finite() => Cell::Number(f.to_string()),
        DataRef::Float(f) => Cell::Text(f.to_string()),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_owned()),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => Cell::Text(format_datetime(&dt)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Text(e.to_string()),
    })
}

/// Reads the first worksheet as a table (its used range, first row as header).
pub(crate) fn read_xlsx(input: &Path, limits: &ConvertLimits) -> Result<Table, ConvertError> {
    check_zip(input, limits)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook(input).map_err(invalid)?;
    check_deadline(limits)?;
    let name = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| invalid("it has no worksheet"))?;
    // Cells are streamed and placed by hand: calamine's `Range` would allocate the whole
    // bounding box, which a two-cell sheet (A1 and XFD1048576) makes enormous.
    let mut cells = Vec::new();
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(invalid)?;
    let mut n = 0usize;
    while let Some(cell) = reader.next_cell().map_err(invalid)? {
        n += 1;
        tick(n, limits)?;
        let (row, col) = cell.get_position();
        if let Some(value) = data_cell(cell.get_value().clone()) {
            if cells.len() as u64 >= MAX_CELLS {
                return Err(too_many_cells());
            }
            cells.push((row, col, value));
        }
    }
    drop(reader);
    let Some(row0) = cells.iter().map(|c| c.0).min() else {
        return Ok(Table {
            rows: Vec::new(),
            header: true,
        });
    };
    let col0 = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let rows = u64::from(cells.iter().map(|c| c.0).max().unwrap_or(row0) - row0) + 1;
    let cols = u64::from(cells.iter().map(|c| c.1).max().unwrap_or(col0) - col0) + 1;
    let bytes = rows
        .saturating_mul(cols)
        .saturating_mul(std::mem::size_of::<Cell>() as u64);
    if rows.saturating_mul(cols) > MAX_CELLS || bytes > limits.max_alloc {
        return Err(too_many_cells());
    }
    check_deadline(limits)?;
    // Both fit in usize: their product is at most MAX_CELLS.
    let (rows, cols) = (rows as usize, cols as usize);
    let mut table = Table {
        rows: vec![vec![Cell::Empty; cols]; rows],
        header: true,
    };
    for (row, col, value) in cells {
        let (r, c) = ((row - row0) as usize, (col - col0) as usize);
        if let Some(slot) = table.rows.get_mut(r).and_then(|cells| cells.get_mut(c)) {
            *slot = value;
        }
    }
    Ok(table)
}

fn too_many_cells() -> ConvertError {
    ConvertError::LimitExceeded(format!("The sheet spans more than {MAX_CELLS} cells."))
}

/// Parses a CSV field as a number only when Excel would show it unchanged: plain decimal
/// notation, no leading zeros (IDs, ZIP codes) and at most 15 significant digits.
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let valid = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(int.len() > 1 && int.starts_with('0'))
        && !(digits.contains('.') && frac.is_empty())
        && int.len() + frac.len() <= 15;
    if valid {
        text.parse().ok()
    } else {
        None
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ConvertError {
    ConvertError::InvalidInput(format!("The data cannot be written as XLSX: {e}"))
}

/// Writes the table to the first worksheet; a header row is bold.
pub(crate) fn write_xlsx(
    table: &Table,
    output: &Path,
    limits: &ConvertLimits,
) -> Result<(), ConvertError> {
    if table.rows.len() > MAX_ROWS || table.rows.iter().any(|r| r.len() > MAX_COLS) {
        return Err(ConvertError::LimitExceeded(format!(
            "XLSX sheets hold at most {MAX_ROWS} rows and {MAX_COLS} columns."
        )));
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = Format::new().set_bold();
    for (r, row) in table.rows.iter().enumerate() {
        tick(r, limits)?;
        let header = table.header && r == 0;
        // Bounded by MAX_ROWS / MAX_COLS above, so the casts are lossless.
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            let written = match cell {
                Cell::Empty => continue,
                Cell::Text(s) if header => sheet.write_string_with_format(r, c, s, &bold),
                Cell::Text(s) => match plain_number(s) {
                    Some(n) => sheet.write_number(r, c, n),
                    None => sheet.write_string(r, c, s),
                },
                Cell::Number(s) => match s.parse::<f64>() {
                    Ok(n) if n.is_finite() => sheet.write_number(r, c, n),
                    _ => sheet.write_string(r, c, s),
                },
                Cell::Bool(b) => sheet.write_boolean(r, c, *b),
            };
            written.map_err(xlsx_error)?;
        }
    }
    check_deadline(limits)?;
    workbook.save(output).map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(plain_number("42"), Some(42.0));
        assert_eq!(plain_number("-3.5"), Some(-3.5));
        assert_eq!(plain_number("0.25"), Some(0.25));
        for text in [
            "007",
            "1e5",
            "",
            "-",
            "1.",
            ".5",
            "12345678901234567",
            "1,5",
            "NaN",
            "inf",
        ] {
            assert_eq!(plain_number(text), None, "{text}");
        }
    }
}
