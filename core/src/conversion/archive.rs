//! "Download all" as one ZIP made in the browser: the archive's own bytes (headers, data
//! descriptors, central directory) come from here, the outputs themselves stay in the browser
//! as streamed parts of a `Blob`. Store-only (the outputs are images, PDFs, spreadsheets:
//! compressed already), UTF-8 names, sizes and CRC-32 written after each file's data (a data
//! descriptor), so a file is streamed once and never held.

/// CRC-32 (IEEE, the ZIP one), fed chunk by chunk. The 256-entry table is built at run time:
/// a few bytes of code in the bundle instead of 1 KiB of data.
#[derive(Debug, Clone)]
pub struct Crc32 {
    table: [u32; 256],
    value: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        let mut table = [0u32; 256];
        for (n, slot) in (0u32..).zip(table.iter_mut()) {
            let mut c = n;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        Crc32 {
            table,
            value: 0xFFFF_FFFF,
        }
    }
}

impl Crc32 {
    pub fn update(&mut self, bytes: &[u8]) {
        for byte in bytes {
            let index = ((self.value ^ u32::from(*byte)) & 0xFF) as usize;
            self.value = self.table[index] ^ (self.value >> 8);
        }
    }

    pub fn finish(&self) -> u32 {
        self.value ^ 0xFFFF_FFFF
    }
}

/// Names made unique in order: a second `photo.jpg` becomes `photo (2).jpg`.
pub fn unique_names(names: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let (stem, extension) = match name.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => (stem, Some(extension)),
            _ => (name.as_str(), None),
        };
        let mut candidate = name.clone();
        let mut n = 2;
        while taken
            .iter()
            .any(|other| other.eq_ignore_ascii_case(&candidate))
        {
            candidate = match extension {
                Some(extension) => format!("{stem} ({n}).{extension}"),
                None => format!("{stem} ({n})"),
            };
            n += 1;
        }
        taken.push(candidate);
    }
    taken
}

/// General-purpose flags: bit 3, sizes and CRC follow the data; bit 11, the name is UTF-8.
const FLAGS: u16 = (1 << 3) | (1 << 11);
/// 2.0: what a reader needs for data descriptors.
const VERSION: u16 = 20;
/// 1980-01-01 00:00 in MS-DOS form: the outputs have no meaningful time of their own here.
const DOS_DATE: u16 = (1 << 5) | 1;

/// A file written into the archive: where its header starts, and what its descriptor said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub name: String,
    pub offset: u32,
    pub size: u32,
    pub crc: u32,
}

/// The archive's own bytes, in order: for each file `local_header`, the file's data (not here),
/// `data_descriptor`; then `central_directory`. Offsets are counted here, so the parts can go
/// straight into a `Blob`.
#[derive(Debug, Default)]
pub struct ZipWriter {
    written: u64,
    stored: Vec<Stored>,
    open: Option<(String, u32)>,
}

/// Why an archive cannot be made (then the files are downloaded one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveError {
    /// Past 4 GiB, which needs ZIP64.
    TooLarge,
    /// A part out of order (a driver bug, not the person's).
    OutOfOrder,
}

impl ZipWriter {
    /// The header before `name`'s data.
    pub fn local_header(&mut self, name: &str) -> Result<Vec<u8>, ArchiveError> {
        if self.open.is_some() {
            return Err(ArchiveError::OutOfOrder);
        }
        let offset = u32::try_from(self.written).map_err(|_| ArchiveError::TooLarge)?;
        let mut header = Vec::with_capacity(30 + name.len());
        put32(&mut header, 0x0403_4B50);
        put16(&mut header, VERSION);
        put16(&mut header, FLAGS);
        put16(&mut header, 0); // stored
        put16(&mut header, 0); // time
        put16(&mut header, DOS_DATE);
        put32(&mut header, 0); // CRC, size, size: in the descriptor
        put32(&mut header, 0);
        put32(&mut header, 0);
        put16(&mut header, name_length(name)?);
        put16(&mut header, 0); // no extra field
        header.extend_from_slice(name.as_bytes());
        self.written += header.len() as u64;
        self.open = Some((name.to_owned(), offset));
        Ok(header)
    }

    /// The descriptor after the open file's `size` bytes of data with checksum `crc`.
    pub fn data_descriptor(&mut self, size: u64, crc: u32) -> Result<Vec<u8>, ArchiveError> {
        let (name, offset) = self.open.take().ok_or(ArchiveError::OutOfOrder)?;
        let size = u32::try_from(size).map_err(|_| ArchiveError::TooLarge)?;
        let mut descriptor = Vec::with_capacity(16);
        put32(&mut descriptor, 0x0807_4B50);
        put32(&mut descriptor, crc);
        put32(&mut descriptor, size);
        put32(&mut descriptor, size);
        self.written += u64::from(size) + descriptor.len() as u64;
        u32::try_from(self.written).map_err(|_| ArchiveError::TooLarge)?;
        self.stored.push(Stored {
            name,
            offset,
            size,
            crc,
        });
        Ok(descriptor)
    }

    /// The central directory and the end record, after the last file.
    pub fn central_directory(&mut self) -> Result<Vec<u8>, ArchiveError> {
        if self.open.is_some() {
            return Err(ArchiveError::OutOfOrder);
        }
        let start = u32::try_from(self.written).map_err(|_| ArchiveError::TooLarge)?;
        let mut directory = Vec::new();
        for file in &self.stored {
            put32(&mut directory, 0x0201_4B50);
            put16(&mut directory, VERSION); // made by
            put16(&mut directory, VERSION); // needed
            put16(&mut directory, FLAGS);
            put16(&mut directory, 0);
            put16(&mut directory, 0);
            put16(&mut directory, DOS_DATE);
            put32(&mut directory, file.crc);
            put32(&mut directory, file.size);
            put32(&mut directory, file.size);
            put16(&mut directory, name_length(&file.name)?);
            put16(&mut directory, 0); // extra
            put16(&mut directory, 0); // comment
            put16(&mut directory, 0); // disk
            put16(&mut directory, 0); // internal attributes
            put32(&mut directory, 0); // external attributes
            put32(&mut directory, file.offset);
            directory.extend_from_slice(file.name.as_bytes());
        }
        let entries = u16::try_from(self.stored.len()).map_err(|_| ArchiveError::TooLarge)?;
        let length = u32::try_from(directory.len()).map_err(|_| ArchiveError::TooLarge)?;
        put32(&mut directory, 0x0605_4B50);
        put16(&mut directory, 0);
        put16(&mut directory, 0);
        put16(&mut directory, entries);
        put16(&mut directory, entries);
        put32(&mut directory, length);
        put32(&mut directory, start);
        put16(&mut directory, 0); // no comment
        self.written += directory.len() as u64;
        Ok(directory)
    }
}

fn name_length(name: &str) -> Result<u16, ArchiveError> {
    u16::try_from(name.len()).map_err(|_| ArchiveError::TooLarge)
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
#[path = "archive_tests.rs"]
mod tests;
