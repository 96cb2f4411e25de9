//! A large CSV file read in pieces straight from the disk, never held whole.
//!
//! A province's 巡查 and 考勤 exports are 420 MB. Held whole while parsed in pieces (as they
//! were until 2026-12-07), they were nearly half the reading's memory, and the memory they freed was not what the
//! later stages needed. Here a file of a sheet that may be read in pieces is first looked
//! through in windows ([`survey`]: no quote character, no line past the limit; where its
//! pieces start and how many line breaks precede each), then each piece is read by its own
//! thread, a window at a time, each window ending at a line break and parsed as the rows of a
//! piece are (`CsvRows::at`, numbered from the line breaks before it). A piece's records go
//! into the workers' lists as they are parsed, so nothing but the records and a window per
//! thread is held.
//!
//! Whatever is unusual — a quote (a cell may then hold a line break), a line past the limit, a
//! file that changes length (found by the look), bytes that are not UTF-8 (found by a piece's
//! CSV reader) — sends the sheet back to being read whole, which says each of these as it
//! always has. The file's SHA-256 is taken by the hashing thread from its own read of the file
//! ([`Hashed`]); the CRC-32 of the bytes the pieces parsed, joined in order, must be the one
//! that read found, or the run stops with the file named: the hash recorded is then always of
//! the bytes scored.
use super::pieces::{finished, join, prepare_extracts, remove, Parsing};
use super::source::{CsvRows, RowSource};
use super::*;
use std::io::{Read as _, Seek, SeekFrom};

/// A CSV file at least this large, of a sheet that may be read in pieces, is read in windows
/// from the disk. Below it, holding the file costs less than a second look through it.
pub(super) const STREAM_MIN: u64 = 16 << 20;

/// How much of a file a thread holds at once (and reads with one call).
const WINDOW: usize = 8 << 20;

/// The first rows of a file are kept to find its header: more than this before the header
/// search's last row is no sheet to read in pieces (it is read whole, as before).
const HEAD_MOST: usize = 16 << 20;

/// Whether a sheet of `spec` in a CSV file of `size` bytes is read here.
pub(super) fn streams(spec: &SheetSpec, size: u64) -> bool {
    Parsed::piecewise(spec) && size >= STREAM_MIN
}

/// What a look through a file found: where its text starts (after a byte-order mark), its
/// length, where each piece starts and how many line breaks come before it.
#[derive(Debug, PartialEq)]
struct Survey {
    /// The byte-order mark's length, 0 or 3.
    bom: u64,
    /// The pieces' starts in the text and its end (offsets after the mark).
    cuts: Vec<u64>,
    /// Line breaks in the text before each piece, and in the whole text.
    breaks: Vec<u64>,
    /// The text up to the end of the line after the header search's rows.
    head: Vec<u8>,
    /// The text's length.
    len: u64,
}

/// Looks through the file at `path` in windows for [`read`]: `None` when it holds a quote or
/// a line longer than [`MAX_CSV_LINE`], when it cannot be read, or when it changes length
/// while looked at — the sheet is then read whole, which says why. (Bytes that are not UTF-8
/// are left to the pieces: the CSV reader refuses them in the first row that has them, and
/// the sheet is read whole, which says where. Checking the text here cost a pass over it on
/// the reading's path before any piece began.)
/// The cuts make about `n` pieces of at least `min` bytes: each just after the first line
/// break at or past its share of the text, and past the rows the header is searched in.
fn survey(path: &Path, (n, min): (usize, usize), window_size: usize) -> Option<Survey> {
    let mut f = std::fs::File::open(path).ok()?;
    let size = f.metadata().ok()?.len();
    let mut window = Vec::with_capacity(window_size);
    let (mut at, mut bom) = (0u64, 0u64);
    // The text's length is the file's less the mark, known once the first bytes are read.
    let mut len = 0u64;
    let mut n = n;
    let (mut lines, mut line_start) = (0u64, 0u64);
    let mut header_end: Option<u64> = None;
    let mut head: Vec<u8> = Vec::new();
    let (mut cuts, mut breaks) = (vec![0u64], vec![0u64]);
    let mut k = 1usize;
    loop {
        window.clear();
        let got = (&mut f).take(window_size as u64).read_to_end(&mut window).ok()?;
        if got == 0 {
            break;
        }
        let mut bytes = &window[..];
        if at == 0 && bom == 0 {
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
                bom = 3;
            }
            len = size.checked_sub(bom)?;
            n = n.min(usize::try_from(len).ok()? / min.max(1)).max(1);
        }
        if memchr::memchr(b'"', bytes).is_some() {
            return None;
        }
        if header_end.is_none() {
            head.extend_from_slice(bytes);
            if head.len() > HEAD_MOST {
                return None;
            }
        }
        for i in memchr::memchr_iter(b'\n', bytes) {
            let p = at + i as u64;
            if p - line_start > MAX_CSV_LINE as u64 {
                return None;
            }
            line_start = p + 1;
            lines += 1;
            if lines == table::HEADER_SEARCH_ROWS as u64 + 1 {
                header_end = Some(p + 1);
                head.truncate(usize::try_from(p + 1).ok()?);
            }
            let Some(header_end) = header_end else { continue };
            // The piece after this line break starts here when the line break is the first
            // at or past its share of the text.
            while k < n && p >= (len / n as u64).saturating_mul(k as u64).max(header_end) {
                let cut = p + 1;
                if cut < len && cuts.last().is_some_and(|&last| cut > last) {
                    cuts.push(cut);
                    breaks.push(lines);
                }
                k += 1;
            }
        }
        at += bytes.len() as u64;
        if at - line_start > MAX_CSV_LINE as u64 {
            return None;
        }
    }
    if at != len {
        return None;
    }
    cuts.push(len);
    breaks.push(lines);
    Some(Survey {
        bom,
        cuts,
        breaks,
        head,
        len,
    })
}

/// What reading a file in pieces parsed: the CRC-32 and length of its text (after any mark),
/// for the check against the file's hash ([`Hashed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TextCrc {
    pub crc: u32,
    pub len: u64,
}

/// What the hashing thread read of a file: its SHA-256, and the CRC-32 and length of its text
/// (after any mark), to hold against what was parsed ([`TextCrc`]).
pub(super) struct Hashed {
    pub sha256: String,
    pub text: TextCrc,
}

/// Hashes the file at `path` as the hashing thread reads it, a window at a time.
pub(super) fn hash(path: &Path) -> std::io::Result<Hashed> {
    use sha2::Digest;
    let mut f = std::fs::File::open(path)?;
    let mut sha = sha2::Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut window = Vec::with_capacity(WINDOW);
    let (mut first, mut len) = (true, 0u64);
    loop {
        window.clear();
        if (&mut f).take(WINDOW as u64).read_to_end(&mut window)? == 0 {
            break;
        }
        sha.update(&window);
        let text = match (first, window.strip_prefix(b"\xEF\xBB\xBF")) {
            (true, Some(rest)) => rest,
            _ => &window[..],
        };
        first = false;
        crc.update(text);
        len += text.len() as u64;
    }
    Ok(Hashed {
        sha256: sha.finalize().iter().map(|b| format!("{b:02x}")).collect(),
        text: TextCrc {
            crc: crc.finalize(),
            len,
        },
    })
}

/// The problem of a file whose text, as its sheet's reader `parsed` it, is not the text the
/// hasher read (`hashed`): it changed between the two reads. Nothing to say where either did
/// not read it on its own (a small file is hashed from the bytes parsed).
pub(super) fn changed(file: &str, parsed: Option<&TextCrc>, hashed: Option<&TextCrc>) -> Option<InputProblem> {
    let (parsed, hashed) = (parsed?, hashed?);
    (parsed != hashed).then(|| InputProblem {
        file: file.to_string(),
        place: String::new(),
        found: None,
        expected: msg!("in-file-changed"),
        ..Default::default()
    })
}

/// The CRC-32 and length of a file's text held whole (a file read whole after all).
pub(super) fn parsed_whole(body: &[u8]) -> TextCrc {
    TextCrc {
        crc: crc32fast::hash(body),
        len: body.len() as u64,
    }
}

/// A sheet read in pieces (or its own problem, such as a header not found), and the CRC-32 of
/// the text its pieces parsed.
type Streamed = (Result<(super::Read, Vec<InputProblem>), InputProblem>, TextCrc);

/// Reads a sheet from the CSV file at `path` in pieces, a window at a time: `None` when the
/// file is not one to read so ([`survey`]) or a piece could not be read, and the sheet is to be
/// read whole; else the sheet (or its own problem) and what the pieces parsed.
pub(super) fn read(path: &Path, file: &str, spec: &'static SheetSpec, ctx: &Ctx) -> Option<Streamed> {
    let cores = crate::cores::available();
    read_cut(path, (cores, super::pieces::PIECE_MIN, WINDOW), file, spec, ctx)
}

/// [`read`] in about `pieces` pieces of at least `min` bytes each, `window` bytes at a time.
fn read_cut(
    path: &Path,
    (pieces, min, window): (usize, usize, usize),
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
) -> Option<Streamed> {
    let survey = survey(path, (pieces, min), window)?;
    let first = super::first_rows(&mut CsvRows::new(&survey.head)).ok()?;
    let text = TextCrc {
        crc: 0,
        len: survey.len,
    };
    let header = match Header::find(file, spec, &first) {
        Ok(h) => h,
        Err(e) => return Some((Err(e), text)),
    };
    let header_cells = first.iter().find(|(r, _)| *r == header.row).map(|(_, c)| c.as_slice());
    let mut parts: Vec<PathBuf> = Vec::new();
    let count = survey.cuts.len() - 1;
    let extracts = match prepare_extracts(ctx, &header, header_cells, count, &mut parts) {
        Ok(x) => x,
        Err(e) => {
            remove(&parts);
            return Some((Err(unwritable(file, spec)(e)), text));
        }
    };
    let header = &header;
    let survey = &survey;
    let read: Vec<Result<(Parsing, crc32fast::Hasher), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = extracts
            .into_iter()
            .enumerate()
            .map(|(k, extract)| {
                let range = (survey.bom + survey.cuts[k], survey.bom + survey.cuts[k + 1]);
                let rows = usize::try_from(survey.breaks[k + 1] - survey.breaks[k]).unwrap_or(0);
                let at = (survey.breaks[k], rows, window);
                s.spawn(move || read_piece(path, range, at, header, (k == 0, extract), ctx))
            })
            .collect();
        finished(handles)
    });
    let mut crc = crc32fast::Hasher::new();
    let mut pieces = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok((piece, piece_crc)) => {
                crc.combine(&piece_crc);
                pieces.push(Ok(piece));
            }
            Err(e) => pieces.push(Err(e)),
        }
    }
    let joined = join(pieces, &parts, (file, spec))?;
    Some((
        joined,
        TextCrc {
            crc: crc.finalize(),
            len: survey.len,
        },
    ))
}

/// Parses one piece of the file, `range` of its bytes, a window at a time: each window ends at
/// a line break (the rest is carried into the next), and its rows are numbered from the
/// `breaks` line breaks before the piece and those of the windows before. `rows`: about how
/// many rows the piece holds. The first piece leaves out its header and the rows above it.
fn read_piece(
    path: &Path,
    (start, end): (u64, u64),
    (breaks, rows, window_size): (u64, usize, usize),
    header: &Header,
    (first, extract): (bool, Option<extract::Writer>),
    ctx: &Ctx,
) -> Result<(Parsing, crc32fast::Hasher), String> {
    let fail = |e: std::io::Error| msg!("in-file-unreadable", error = e);
    let mut f = std::fs::File::open(path).map_err(fail)?;
    f.seek(SeekFrom::Start(start)).map_err(fail)?;
    let mut filling = Filling::new(header.spec, extract, Some(rows), ctx);
    let mut problems = Vec::new();
    let mut crc = crc32fast::Hasher::new();
    let mut window: Vec<u8> = Vec::with_capacity(window_size);
    let (mut left, mut base) = (end - start, breaks);
    while left > 0 {
        let carried = window.len();
        let want = (window_size.saturating_sub(carried).max(window_size / 8) as u64).min(left);
        let got = (&mut f).take(want).read_to_end(&mut window).map_err(fail)? as u64;
        if got < want {
            // The file is shorter than it was when looked through.
            return Err(msg!("in-file-unreadable", error = "changed while read"));
        }
        crc.update(&window[carried..]);
        left -= got;
        let upto = match left {
            0 => window.len(),
            _ => match memchr::memrchr(b'\n', &window[carried..]) {
                Some(i) => carried + i + 1,
                // A line longer than the window: read on (the look refused longer than the limit).
                None => continue,
            },
        };
        let text = &window[..upto];
        let mut rows = CsvRows::at(text, base);
        while let Some((r, cells)) = rows.next_row()? {
            if first && r <= header.row {
                continue;
            }
            filling.row(header, r, cells, ctx, &mut problems);
        }
        base += memchr::memchr_iter(b'\n', text).count() as u64;
        window.drain(..upto);
    }
    Ok(((filling, problems), crc))
}

#[cfg(test)]
mod tests {
    use super::super::pieces::tests::{ctx, five_workers, patrol_body, Dir};
    use super::*;

    fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn a_look_through_the_file_cuts_it_just_after_line_breaks_and_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        // Lines of varied length (so the shares fall inside lines), with a mark in front: each
        // cut is the first line break at or past its share, past the header search's rows.
        let mut body = String::new();
        for n in 0..40_000 {
            body.push_str(&format!("{n:06},{}\n", "x".repeat(n % 97)));
        }
        for (pieces, min) in [(2, 1024), (3, 1024), (5, 100_000), (2, 10 << 20)] {
            let mut file = b"\xEF\xBB\xBF".to_vec();
            file.extend_from_slice(body.as_bytes());
            let path = write(dir.path(), "a.csv", &file);
            let s = survey(&path, (pieces, min), 1 << 16).expect("a plain file is looked through");
            let text = body.as_bytes();
            let n = pieces.min(text.len() / min).max(1);
            assert_eq!(s.cuts.len(), n + 1, "{pieces} pieces of at least {min}");
            let header_end = s.head.len();
            for (k, &c) in s.cuts.iter().enumerate().skip(1).take(n - 1) {
                let share = (text.len() / n * k).max(header_end);
                let first_break = share + memchr::memchr(b'\n', &text[share..]).unwrap();
                assert_eq!(c as usize, first_break + 1, "piece {k} starts after its share's line");
            }
            assert_eq!(s.bom, 3);
            assert_eq!(s.len, body.len() as u64);
            assert_eq!(s.breaks.last(), Some(&40_000), "and the text's line breaks");
            for (k, c) in s.cuts.iter().take(s.cuts.len() - 1).enumerate() {
                let before = body.as_bytes()[..*c as usize].iter().filter(|&&b| b == b'\n').count();
                assert_eq!(s.breaks[k], before as u64, "line breaks before piece {k}");
            }
            // The head ends after the eleventh line: the header search's ten rows and one more.
            assert_eq!(s.head.iter().filter(|&&b| b == b'\n').count(), 11);
        }
    }

    #[test]
    fn a_body_is_cut_just_after_line_breaks_past_the_header_rows() {
        // 64 lines of 1 MiB each: three pieces of at least 16 MiB (PIECE_MIN) for three cores.
        let dir = tempfile::tempdir().unwrap();
        let line = format!("{}\n", "x".repeat((1 << 20) - 1));
        let path = write(dir.path(), "big.csv", line.repeat(64).as_bytes());
        let min = super::super::pieces::PIECE_MIN;
        let cuts = |n: usize| survey(&path, (n, min), WINDOW).unwrap().cuts;
        // 64 MiB / 3 = 21.3 MiB, inside the line that ends at 22 MiB; 42.7 MiB, at 43 MiB.
        assert_eq!(cuts(3), [0, 22 << 20, 43 << 20, 64 << 20]);
        // Four cores ask for four pieces; 64 MiB holds four of 16 MiB; two, for two cores.
        assert_eq!(cuts(4).len(), 5);
        assert_eq!(cuts(2), [0, 33 << 20, 64 << 20]);
        // 20 MiB is less than 16 MiB a piece for two; one core reads one piece.
        let small = write(dir.path(), "small.csv", line.repeat(20).as_bytes());
        assert_eq!(survey(&small, (2, min), WINDOW).unwrap().cuts, [0, 20 << 20]);
        assert_eq!(cuts(1), [0, 64 << 20], "one core");
    }

    #[test]
    fn no_cut_falls_among_the_rows_searched_for_the_header() {
        // Twelve long lines then short ones: the header search's ten rows end after line 11.
        let dir = tempfile::tempdir().unwrap();
        let mut body = format!("{}\n", "h".repeat(4 << 20)).repeat(12).into_bytes();
        body.extend("a,b\n".repeat(1 << 20).into_bytes());
        let path = write(dir.path(), "tall.csv", &body);
        let header_end = ((4 << 20) + 1) * 11;
        // Read whole (a head of 44 MiB is past what the look keeps), or cut past the header.
        if let Some(s) = survey(&path, (2, super::super::pieces::PIECE_MIN), WINDOW) {
            assert!(s.cuts.len() == 2 || s.cuts[1] >= header_end, "{:?}", s.cuts);
        }
    }

    #[test]
    fn a_quote_or_an_overlong_line_sends_the_file_to_be_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let plain = "a,b\n".repeat(1000);
        assert!(survey(&write(dir.path(), "ok.csv", plain.as_bytes()), (2, 64), 1 << 16).is_some());
        let quoted = format!("{plain}\"a\",b\n");
        assert!(survey(&write(dir.path(), "q.csv", quoted.as_bytes()), (2, 64), 1 << 16).is_none());
        let long = format!("{plain}{}\n", "x".repeat(MAX_CSV_LINE + 1));
        assert!(survey(&write(dir.path(), "long.csv", long.as_bytes()), (2, 64), 1 << 16).is_none());
    }

    #[test]
    fn bytes_not_utf8_send_the_sheet_to_be_read_whole_from_the_piece_that_has_them() {
        let (plan, roster) = five_workers();
        let ctx = ctx(&plan, &roster, None);
        // GBK's 上午 (C9CF CEE7) in the last piece's rows: the look passes it, a piece does not.
        let mut body = "编号,日期,时段,开始,结束,已录入\n".as_bytes().to_vec();
        for _ in 0..2000 {
            body.extend_from_slice("0001,2026-07-01,上午,08:30,11:30,是\n".as_bytes());
        }
        let clean = body.len();
        body.extend_from_slice(b"0001,2026-07-02,\xC9\xCF\xCE\xE7,08:30,11:30,\n");
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "巡查.csv", &body);
        assert!(
            survey(&path, (3, 1024), 1 << 16).is_some(),
            "the look leaves the text to the pieces"
        );
        let cut = (3, 1024, 1 << 16);
        assert!(
            read_cut(&path, cut, "巡查.csv", &contract::PATROL, &ctx).is_none(),
            "read whole"
        );
        // Without the spoilt row, the same file is read in pieces.
        let good = &body[..clean];
        let path = write(dir.path(), "巡查.csv", good);
        assert!(read_cut(&path, cut, "巡查.csv", &contract::PATROL, &ctx).is_some());
    }

    #[test]
    fn a_file_parsed_otherwise_than_hashed_is_named_as_changed_while_read() {
        let body = "0001,2026-07-01\n".repeat(1000);
        let hashed = parsed_whole(body.as_bytes());
        assert!(
            changed("巡查.csv", Some(&hashed), Some(&hashed)).is_none(),
            "the same text"
        );
        // One byte saved again between the two reads, and a line added at the end.
        let edited = body.replacen("07-01", "07-02", 1);
        let p = changed("巡查.csv", Some(&parsed_whole(edited.as_bytes())), Some(&hashed)).unwrap();
        assert_eq!(p.file, "巡查.csv");
        assert_eq!(p.expected, msg!("in-file-changed"));
        let longer = format!("{body}0002,2026-07-01\n");
        assert!(changed("巡查.csv", Some(&parsed_whole(longer.as_bytes())), Some(&hashed)).is_some());
        // A file hashed from the bytes parsed, or not parsed at all, has nothing to compare.
        assert!(changed("巡查.csv", None, Some(&hashed)).is_none());
        assert!(changed("巡查.csv", Some(&hashed), None).is_none());
    }

    #[test]
    fn the_hashing_read_finds_the_text_s_crc_as_the_pieces_parse_it() {
        let dir = tempfile::tempdir().unwrap();
        let body = "0001,2026-07-01\n".repeat(1000);
        let mut file = b"\xEF\xBB\xBF".to_vec();
        file.extend_from_slice(body.as_bytes());
        let path = write(dir.path(), "h.csv", &file);
        let h = hash(&path).unwrap();
        assert_eq!(
            h.sha256,
            crate::digest::sha256_hex(&file),
            "the file's hash, mark and all"
        );
        assert_eq!(
            h.text,
            parsed_whole(body.as_bytes()),
            "the text's CRC, without the mark"
        );
    }

    #[test]
    fn a_sheet_read_from_the_disk_in_pieces_gives_what_it_gives_held_whole() {
        let (plan, roster) = five_workers();
        // 3,000 rows, among them 4 of an unknown worker and 3 that end before they start.
        let body = patrol_body(3000);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "in.csv", body.as_bytes());
        assert_eq!(survey(&path, (3, 1024), 4096).unwrap().cuts.len(), 4, "three pieces");
        let out = tempfile::tempdir().unwrap();
        let sink = Dir(out.path().to_path_buf());
        let ctx = ctx(&plan, &roster, Some(&sink));
        let extract = || std::fs::read(out.path().join("巡查.csv")).unwrap();
        let mut problems = Vec::new();
        let (whole, written) = read_sheet(
            &mut CsvRows::new(body.as_bytes()),
            "巡查.csv",
            &contract::PATROL,
            &ctx,
            &mut problems,
        )
        .unwrap();
        written.unwrap().complete().unwrap();
        let whole_extract = extract();
        // 3,000 rows less 4 of the unknown worker (n = 0, 997, 1994, 2991) and 3 that end
        // before they start (n = 7, 1308, 2609), which are kept without a duration.
        assert_eq!(records_of(&whole).len(), 2996);
        assert_eq!(problems.len(), 7);
        // Row numbers are the file's: the header is row 1, a blank row 2, n = 0 is row 3.
        assert_eq!(problems[0].place, "巡查!A3");
        assert_eq!(problems[6].place, "巡查!A2994", "n = 2991 is row 2994");
        // Windows that cut rows, pieces that cut windows.
        for (pieces, window) in [(1, 1 << 16), (2, 1 << 16), (3, 4096), (3, 1 << 20)] {
            let cut = (pieces, 1024, window);
            let (read, text) = read_cut(&path, cut, "巡查.csv", &contract::PATROL, &ctx).unwrap();
            let ((parsed, written), streamed_problems) = read.unwrap();
            written.unwrap().complete().unwrap();
            assert_eq!(
                records_of(&parsed),
                records_of(&whole),
                "{pieces} pieces: the same records"
            );
            assert_eq!(streamed_problems, problems, "{pieces} pieces: the same problems");
            assert_eq!(
                text,
                parsed_whole(body.as_bytes()),
                "{pieces} pieces: every byte parsed once"
            );
            assert_eq!(
                extract(),
                whole_extract,
                "{pieces} pieces: the same extract, byte for byte"
            );
            let left: Vec<_> = std::fs::read_dir(out.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            assert_eq!(left.len(), 1, "the pieces' files are removed: {left:?}");
        }
    }

    fn records_of(parsed: &super::super::Parsed) -> Vec<String> {
        let super::super::Parsed::Patrol(patrols) = parsed else {
            panic!("a patrol sheet gives patrols")
        };
        patrols.all().map(|r| format!("{r:?}")).collect()
    }
}
