//! The archive read back by a real ZIP reader (the `zip` crate): names, bytes and checksums.

use std::io::{Cursor, Read};

use super::*;

fn crc_of(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::default();
    crc.update(bytes);
    crc.finish()
}

#[test]
fn crc32_is_the_zip_checksum_and_chunks_add_up() {
    assert_eq!(crc_of(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc_of(b""), 0);
    let data: Vec<u8> = (0..100_000u32).map(|n| (n * 7 % 251) as u8).collect();
    let mut chunked = Crc32::default();
    for chunk in data.chunks(4096) {
        chunked.update(chunk);
    }
    assert_eq!(chunked.finish(), crc_of(&data));
}

#[test]
fn names_are_made_unique_in_order() {
    let names: Vec<String> = [
        "photo.jpg",
        "photo.jpg",
        "PHOTO.jpg",
        "notes",
        "notes",
        ".bashrc",
    ]
    .iter()
    .map(|n| (*n).to_owned())
    .collect();
    assert_eq!(
        unique_names(&names),
        [
            "photo.jpg",
            "photo (2).jpg",
            "PHOTO (3).jpg",
            "notes",
            "notes (2)",
            ".bashrc"
        ]
    );
}

/// Writes `files` as the driver would: header, data, descriptor; then the directory.
fn archive(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = ZipWriter::default();
    let mut out = Vec::new();
    for (name, data) in files {
        out.extend(writer.local_header(name).expect("header"));
        out.extend(data);
        out.extend(
            writer
                .data_descriptor(data.len() as u64, crc_of(data))
                .expect("descriptor"),
        );
    }
    out.extend(writer.central_directory().expect("directory"));
    out
}

#[test]
fn a_zip_reader_finds_every_file_with_its_bytes_and_utf8_name() {
    let png: Vec<u8> = (0..5_000u32).map(|n| n as u8).collect();
    let files = [
        ("photo.jpg", png.clone()),
        ("café 照片.jpg", b"second".to_vec()),
        ("empty.txt", Vec::new()),
    ];
    let bytes = archive(&files);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid archive");
    assert_eq!(zip.len(), 3);
    for (name, data) in &files {
        let mut file = zip.by_name(name).expect("found by its UTF-8 name");
        assert_eq!(file.compression(), zip::CompressionMethod::Stored);
        let mut read = Vec::new();
        file.read_to_end(&mut read)
            .expect("reads, checksum verified");
        assert_eq!(&read, data, "{name}");
    }
}

#[test]
fn an_empty_archive_is_valid_and_parts_out_of_order_are_refused() {
    let bytes = archive(&[]);
    assert_eq!(
        zip::ZipArchive::new(Cursor::new(bytes))
            .map(|z| z.len())
            .ok(),
        Some(0)
    );
    let mut writer = ZipWriter::default();
    assert_eq!(writer.data_descriptor(1, 0), Err(ArchiveError::OutOfOrder));
    writer.local_header("a").expect("header");
    assert_eq!(writer.local_header("b"), Err(ArchiveError::OutOfOrder));
    assert_eq!(writer.central_directory(), Err(ArchiveError::OutOfOrder));
    assert_eq!(
        writer.data_descriptor(u64::from(u32::MAX) + 1, 0),
        Err(ArchiveError::TooLarge)
    );
}
