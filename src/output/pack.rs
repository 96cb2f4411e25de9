//! Deflating a workbook on every core.
//!
//! rust_xlsxwriter deflates a workbook's parts one after another on the thread that saves it:
//! a province's score workbook is 320 MB of XML, four to five seconds on one core while the
//! other waits. So the score workbook is saved with the fastest compression into a
//! [`Packer`], which reads the zip as it is written — each part's name,
//! its bytes, the CRC the writer computed — and deflates each part in fixed pieces of
//! [`PIECE`] bytes on every core. Each piece is primed with the 32 KiB before it and ended
//! with a sync flush, so that a part's pieces join into one deflate stream (as pigz makes
//! them). The pieces do not depend on the number of cores, so neither do the bytes. [`Packer::finish`] then writes the zip: each part's local header (its CRC and
//! sizes known by then), its data, and the central directory.
//!
//! rust_xlsxwriter cannot save without compressing (its lowest level is 1), so the packer
//! inflates what it is given before deflating it again: both are fast beside level 5, and the
//! saving thread does them while the other cores deflate.
//!
//! A sheet too large to lay out through rust_xlsxwriter's cells (the 明细) is written as XML
//! of its own ([`super::rows`]) and deflated while it is made, in the same pieces, by a
//! [`Stream`]; rust_xlsxwriter saves an empty sheet in its place (its columns, page and
//! print titles), and the packer puts the rows inside that sheet's `<sheetData/>` ([`Splice`])
//! The shared-string table is made elsewhere too ([`super::rows::Strings`]): its `<si>`
//! elements are written and deflated as the strings are numbered, while the 明细 is written,
//! and the packer puts them in place of the table rust_xlsxwriter saves ([`SharedStrings`]),
//! which holds only the strings of the sheets it filled itself, at the numbers they were given.
//!
//! Only what rust_xlsxwriter writes is read: deflated parts with a data descriptor or sizes in
//! their header, no encryption, no ZIP64. Anything else fails the save (the run then writes
//! nothing and says why); it never passes on a part changed.
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::io::{self, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A piece deflated on its own: large enough that priming and flushing cost nothing to the
/// ratio, small enough that two cores share even a workbook of one large part.
const PIECE: usize = 1 << 20;
/// Deflate's window: what a piece may refer back to in the one before it.
const WINDOW: usize = 32 * 1024;
/// Level 5, not zlib's default 6 that rust_xlsxwriter uses: on a province's score workbook
/// (zlib-rs, 2026-12-03) 5 took about 0.7 s less of the run in alternating runs and gave a
/// slightly smaller file (36,189,505 bytes against 36,207,197); 4 took about 0.8 s less again
/// but gave a file 7% larger (38,693,507).
const LEVEL: u32 = 5;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;

struct Job {
    part: usize,
    piece: usize,
    data: Vec<u8>,
    primer: Vec<u8>,
    last: bool,
}

type Done = (usize, usize, Result<Vec<u8>, String>);

/// Threads deflating pieces as they are sent; the pieces come back tagged with their place.
struct Pool {
    jobs: Option<SyncSender<Job>>,
    done: Receiver<Done>,
    workers: Vec<JoinHandle<()>>,
}

impl Pool {
    fn new(threads: usize) -> Pool {
        let threads = threads.max(1);
        // A few pieces queued per core: whoever sends runs ahead, never far.
        let (jobs, queue) = sync_channel::<Job>(2 * threads);
        let queue = Arc::new(Mutex::new(queue));
        let (report, done) = channel::<Done>();
        let workers = (0..threads)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let report: Sender<Done> = report.clone();
                std::thread::spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let out = deflate(&job.data, &job.primer, job.last);
                    if report.send((job.part, job.piece, out)).is_err() {
                        return;
                    }
                })
            })
            .collect();
        Pool {
            jobs: Some(jobs),
            done,
            workers,
        }
    }

    fn send(&self, job: Job) -> io::Result<()> {
        match &self.jobs {
            Some(jobs) => jobs.send(job).map_err(|_| bad("a compressing thread stopped".into())),
            None => Err(bad("a part after the end".into())),
        }
    }

    /// Waits for every piece sent.
    fn finish(mut self) -> io::Result<Vec<Done>> {
        drop(self.jobs.take());
        for w in std::mem::take(&mut self.workers) {
            w.join().map_err(|_| bad("a compressing thread failed".into()))?;
        }
        Ok(self.done.try_iter().collect())
    }
}

/// What a [`Stream`] made: a part's bytes deflated in pieces that join into one stream (none
/// of them final), their CRC and length, and the last [`WINDOW`] bytes, to prime what follows.
pub struct Deflated {
    pieces: Vec<Vec<u8>>,
    crc: crc32fast::Hasher,
    len: u64,
    window: Vec<u8>,
}

impl Deflated {
    /// Nothing: what is left of a part's bytes once they are put in place.
    fn empty() -> Deflated {
        Deflated {
            pieces: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
            window: Vec::new(),
        }
    }
}

/// Bytes deflated as they are written, in [`PIECE`]s on other threads, as the packer deflates
/// a part: the same pieces whatever the writes and the threads.
pub struct Stream {
    pool: Pool,
    buf: Vec<u8>,
    primer: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    sent: usize,
}

impl Stream {
    pub fn new(threads: usize) -> Stream {
        Stream {
            pool: Pool::new(threads),
            buf: Vec::with_capacity(2 * PIECE),
            primer: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
            sent: 0,
        }
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.crc.update(bytes);
        self.len += bytes.len() as u64;
        self.buf.extend_from_slice(bytes);
        while self.buf.len() >= PIECE {
            let rest = self.buf.split_off(PIECE);
            let data = std::mem::replace(&mut self.buf, rest);
            self.send(data)?;
        }
        Ok(())
    }

    fn send(&mut self, data: Vec<u8>) -> io::Result<()> {
        let primer = std::mem::replace(&mut self.primer, data[data.len().saturating_sub(WINDOW)..].to_vec());
        let piece = self.sent;
        self.sent += 1;
        self.pool.send(Job {
            part: 0,
            piece,
            data,
            primer,
            last: false,
        })
    }

    pub fn finish(mut self) -> io::Result<Deflated> {
        if !self.buf.is_empty() {
            let data = std::mem::take(&mut self.buf);
            self.send(data)?;
        }
        let mut pieces: Vec<Option<Vec<u8>>> = vec![None; self.sent];
        for (_, piece, out) in self.pool.finish()? {
            let slot = pieces.get_mut(piece).ok_or_else(|| bad("a piece of no part".into()))?;
            *slot = Some(out.map_err(bad)?);
        }
        let pieces = pieces
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("a piece was not deflated".into()))?;
        Ok(Deflated {
            pieces,
            crc: self.crc,
            len: self.len,
            window: self.primer,
        })
    }
}

/// Rows made elsewhere ([`Stream`]) for a sheet rust_xlsxwriter saves empty: `part` is the
/// sheet's name in the zip, `dimension` the range its rows cover (`A1:I600106`).
pub struct Splice {
    pub part: String,
    pub dimension: String,
    pub rows: Deflated,
}

/// The most a sheet saved empty for a [`Splice`] may hold: its columns and page setup.
const SHELL_MAX: usize = 1 << 20;

/// A workbook's shared-string table made elsewhere, to replace the one rust_xlsxwriter
/// saves: `body`, every `<si>` element in number order, deflated; `unique` strings in it;
/// `cells`, the string cells written outside rust_xlsxwriter (its own table counts its own).
/// rust_xlsxwriter was given `given` strings at their numbers (those of the sheets it
/// filled): its table must hold exactly those, or it numbered a string itself — a number
/// another string already has — and the workbook is refused.
pub struct SharedStrings {
    pub body: Deflated,
    pub unique: u64,
    pub cells: u64,
    pub given: u64,
}

/// The part that holds the shared-string table.
const SHARED_STRINGS: &[u8] = b"xl/sharedStrings.xml";

/// What is kept of rust_xlsxwriter's table when one is made elsewhere: its start, for the
/// XML declaration and the `<sst>` tag (its strings are not needed).
const SST_HEAD_MAX: usize = 4096;

/// A part the packer holds back instead of passing on.
#[derive(Clone, Copy)]
enum Held {
    /// A sheet saved empty for the rows of the `k`-th splice.
    Sheet(usize),
    /// rust_xlsxwriter's shared-string table, replaced by [`SharedStrings`].
    Strings,
}

/// A part as it came in, and what [`Packer::finish`] writes of it.
struct Part {
    name: Vec<u8>,
    /// General-purpose flags without the data-descriptor bit (UTF-8 names keep theirs).
    flags: u16,
    /// DOS time and date, as written.
    stamp: [u8; 4],
    /// The CRC the writer put in the local header, when it wrote no data descriptor.
    header_crc: Option<u32>,
    /// The CRC of the bytes as they came, checked against the writer's.
    came: u32,
    /// The CRC and size of the bytes as written (with rows spliced in, a count added to).
    crc: u32,
    size: u64,
    pieces: Vec<Option<Vec<u8>>>,
}

enum State {
    Header,
    Data,
    /// The part's bytes are in: its CRC is checked against the writer's.
    Descriptor,
    /// The central directory and end record: the packer writes its own.
    Trailer,
}

/// A `Write` for rust_xlsxwriter's `save_to_writer`; [`Packer::finish`] gives the workbook.
pub struct Packer {
    /// Bytes written and not yet read, from `pos` on.
    pending: Vec<u8>,
    pos: usize,
    state: State,
    parts: Vec<Part>,
    inflate: Decompress,
    piece: Vec<u8>,
    primer: Vec<u8>,
    /// The CRC of the current part as it came, and of what is sent of it.
    crc: crc32fast::Hasher,
    sent: crc32fast::Hasher,
    pool: Pool,
    splices: Vec<Splice>,
    /// The shared-string table made elsewhere, until it is put in place.
    strings: Option<SharedStrings>,
    /// What the current part is held for (its text kept in `shell`).
    held: Option<Held>,
    shell: Vec<u8>,
}

fn bad(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("packing the workbook: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Default for Packer {
    fn default() -> Self {
        Packer::new()
    }
}

/// Every core, for deflating.
pub fn cores() -> usize {
    crate::cores::available().clamp(1, 8)
}

impl Packer {
    /// A packer deflating on every core.
    pub fn new() -> Packer {
        Packer::with_threads(cores())
    }

    /// A packer deflating on `threads` threads (the bytes are the same for any number).
    pub fn with_threads(threads: usize) -> Packer {
        Packer {
            pending: Vec::new(),
            pos: 0,
            state: State::Header,
            parts: Vec::new(),
            inflate: Decompress::new(false),
            piece: Vec::with_capacity(PIECE),
            primer: Vec::new(),
            crc: crc32fast::Hasher::new(),
            sent: crc32fast::Hasher::new(),
            pool: Pool::new(threads),
            splices: Vec::new(),
            strings: None,
            held: None,
            shell: Vec::new(),
        }
    }

    /// Rows to put inside a sheet saved empty.
    pub fn splice(&mut self, s: Splice) {
        self.splices.push(s);
    }

    /// The shared-string table to put in place of rust_xlsxwriter's.
    pub fn shared_strings(&mut self, s: SharedStrings) {
        self.strings = Some(s);
    }

    /// Hands the current piece to the workers.
    fn send(&mut self, last: bool) -> io::Result<()> {
        let part = self.parts.len() - 1;
        let data = std::mem::replace(&mut self.piece, Vec::with_capacity(PIECE));
        let index = self.parts[part].pieces.len();
        self.sent.update(&data);
        let p = &mut self.parts[part];
        p.size += data.len() as u64;
        p.pieces.push(None);
        let primer = std::mem::take(&mut self.primer);
        if !last {
            self.primer = data[data.len().saturating_sub(WINDOW)..].to_vec();
        }
        self.pool.send(Job {
            part,
            piece: index,
            data,
            primer,
            last,
        })
    }

    /// Sends a held sheet with its rows inside: its text up to `<sheetData/>` (the dimension
    /// set to the rows'), the rows' pieces as they were deflated, then the rest of its text.
    fn send_spliced(&mut self, k: usize) -> io::Result<()> {
        let shell = std::mem::take(&mut self.shell);
        let s = &mut self.splices[k];
        let at = find_once(&shell, b"<sheetData/>", &s.part)?;
        let dim = find_once(&shell, b"<dimension ref=\"A1\"/>", &s.part)?;
        if dim > at {
            return Err(bad(format!("{}: its dimension after its data", s.part)));
        }
        let mut head = shell[..dim].to_vec();
        head.extend_from_slice(format!("<dimension ref=\"{}\"/>", s.dimension).as_bytes());
        head.extend_from_slice(&shell[dim + b"<dimension ref=\"A1\"/>".len()..at]);
        head.extend_from_slice(b"<sheetData>");
        let mut tail = b"</sheetData>".to_vec();
        tail.extend_from_slice(&shell[at + b"<sheetData/>".len()..]);
        let rows = std::mem::replace(&mut s.rows, Deflated::empty());
        self.send_joined(head, rows, tail)
    }

    /// Sends the shared-string table made elsewhere in place of rust_xlsxwriter's: its XML
    /// declaration and `<sst>` tag, with the counts of both tables, then every string.
    fn send_strings(&mut self) -> io::Result<()> {
        let head = std::mem::take(&mut self.shell);
        let s = self
            .strings
            .take()
            .ok_or_else(|| bad("a shared-string table held for nothing".into()))?;
        let (head, given) = sst_head(&head, s.cells, s.unique)?;
        if given != s.given {
            return Err(bad(format!(
                "the shared-string table was given {} strings and holds {given}: it numbered some itself",
                s.given
            )));
        }
        self.send_joined(head, s.body, b"</sst>".to_vec())
    }

    /// Sends the current part as `head`, then `body`'s pieces as they were deflated, then
    /// `tail`: one deflate stream, its CRC combined from the three.
    fn send_joined(&mut self, head: Vec<u8>, body: Deflated, tail: Vec<u8>) -> io::Result<()> {
        let part = self.parts.len() - 1;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head);
        crc.combine(&body.crc);
        let mut tail_crc = crc32fast::Hasher::new();
        tail_crc.update(&tail);
        crc.combine(&tail_crc);
        let p = &mut self.parts[part];
        p.size = head.len() as u64 + body.len + tail.len() as u64;
        p.crc = crc.finalize();
        let first = p.pieces.len();
        p.pieces.push(None);
        p.pieces.extend(body.pieces.into_iter().map(Some));
        let last = p.pieces.len();
        p.pieces.push(None);
        self.pool.send(Job {
            part,
            piece: first,
            data: head,
            primer: Vec::new(),
            last: false,
        })?;
        self.pool.send(Job {
            part,
            piece: last,
            data: tail,
            primer: body.window,
            last: true,
        })
    }

    /// Inflates what it can of the current part's pending bytes, sending each full piece.
    fn data(&mut self) -> io::Result<bool> {
        let b = &self.pending[self.pos..];
        if b.is_empty() {
            return Ok(false);
        }
        let (in0, out0) = (self.inflate.total_in(), self.piece.len());
        let status = self
            .inflate
            .decompress_vec(b, &mut self.piece, FlushDecompress::None)
            .map_err(|e| bad(format!("reading a part back: {e}")))?;
        let used = (self.inflate.total_in() - in0) as usize;
        self.crc.update(&self.piece[out0..]);
        self.pos += used;
        let grew = self.piece.len() > out0;
        match self.held {
            // A sheet saved empty for rows made elsewhere: kept whole, then sent with them.
            Some(Held::Sheet(_)) => {
                self.shell.extend_from_slice(&self.piece);
                self.piece.clear();
                if self.shell.len() > SHELL_MAX {
                    return Err(bad("a sheet saved for rows to be put in is not empty".into()));
                }
            }
            // A table replaced by one made elsewhere: only its start is kept.
            Some(Held::Strings) => {
                let room = SST_HEAD_MAX.saturating_sub(self.shell.len()).min(self.piece.len());
                self.shell.extend_from_slice(&self.piece[..room]);
                self.piece.clear();
            }
            None => {}
        }
        if status == Status::StreamEnd {
            let came = std::mem::replace(&mut self.crc, crc32fast::Hasher::new()).finalize();
            self.parts
                .last_mut()
                .ok_or_else(|| bad("data before a part".into()))?
                .came = came;
            match self.held.take() {
                Some(Held::Sheet(k)) => self.send_spliced(k)?,
                Some(Held::Strings) => self.send_strings()?,
                None => {
                    self.send(true)?;
                    let sent = std::mem::replace(&mut self.sent, crc32fast::Hasher::new()).finalize();
                    self.parts
                        .last_mut()
                        .ok_or_else(|| bad("data before a part".into()))?
                        .crc = sent;
                }
            }
            self.state = State::Descriptor;
            return Ok(true);
        }
        if self.piece.len() == PIECE {
            self.send(false)?;
            return Ok(true);
        }
        Ok(used > 0 || grew)
    }

    /// Consumes what it can of the pending bytes; returns whether it made progress.
    fn step(&mut self) -> io::Result<bool> {
        let b = &self.pending[self.pos..];
        match self.state {
            State::Header => {
                if b.len() < 4 {
                    return Ok(false);
                }
                match u32_at(b, 0) {
                    LOCAL => {}
                    CENTRAL | END => {
                        self.state = State::Trailer;
                        return Ok(true);
                    }
                    other => return Err(bad(format!("unexpected record {other:#x}"))),
                }
                if b.len() < 30 {
                    return Ok(false);
                }
                let (flags, method) = (u16_at(b, 6), u16_at(b, 8));
                let (name_len, extra_len) = (u16_at(b, 26) as usize, u16_at(b, 28) as usize);
                if b.len() < 30 + name_len + extra_len {
                    return Ok(false);
                }
                let name = b[30..30 + name_len].to_vec();
                if method != 8 || flags & 1 != 0 {
                    let shown = String::from_utf8_lossy(&name).into_owned();
                    return Err(bad(format!("part {shown} is not plainly deflated (method {method})")));
                }
                self.held = match self.splices.iter().position(|s| s.part.as_bytes() == name.as_slice()) {
                    Some(k) => Some(Held::Sheet(k)),
                    None if self.strings.is_some() && name == SHARED_STRINGS => Some(Held::Strings),
                    None => None,
                };
                self.parts.push(Part {
                    name,
                    flags: flags & !8,
                    stamp: [b[10], b[11], b[12], b[13]],
                    header_crc: (flags & 8 == 0).then(|| u32_at(b, 14)),
                    came: 0,
                    crc: 0,
                    size: 0,
                    pieces: Vec::new(),
                });
                self.pos += 30 + name_len + extra_len;
                self.inflate.reset(false);
                self.crc = crc32fast::Hasher::new();
                self.sent = crc32fast::Hasher::new();
                self.primer.clear();
                self.shell.clear();
                self.state = State::Data;
                Ok(true)
            }
            State::Data => self.data(),
            State::Descriptor => {
                let p = self
                    .parts
                    .last()
                    .ok_or_else(|| bad("a descriptor before a part".into()))?;
                match p.header_crc {
                    Some(c) if c != p.came => return Err(bad("a part's CRC does not match its bytes".into())),
                    Some(_) => {}
                    None => {
                        // Signature, CRC, compressed and uncompressed sizes (ZIP64 is not written).
                        if b.len() < 16 {
                            return Ok(false);
                        }
                        if u32_at(b, 0) != DESCRIPTOR || u32_at(b, 4) != p.came {
                            return Err(bad("a part's data descriptor does not match its bytes".into()));
                        }
                        self.pos += 16;
                    }
                }
                self.state = State::Header;
                Ok(true)
            }
            State::Trailer => {
                self.pos = self.pending.len();
                Ok(false)
            }
        }
    }

    /// Waits for every piece and writes the zip.
    pub fn finish(mut self) -> io::Result<Vec<u8>> {
        if !matches!(self.state, State::Trailer) {
            return Err(bad("the workbook ended inside a part".into()));
        }
        if let Some(s) = self.splices.iter().find(|s| !s.rows.pieces.is_empty()) {
            return Err(bad(format!("no sheet {} to put its rows in", s.part)));
        }
        // rust_xlsxwriter saves no table when it wrote no string cell itself: the strings
        // the rows refer to would be missing.
        if self.strings.is_some() {
            return Err(bad("no shared-string table to put the strings in".into()));
        }
        for (part, piece, out) in self.pool.finish()? {
            let out = out.map_err(bad)?;
            let slot = self
                .parts
                .get_mut(part)
                .and_then(|p| p.pieces.get_mut(piece))
                .ok_or_else(|| bad("a piece of no part".into()))?;
            *slot = Some(out);
        }
        write_zip(&self.parts)
    }
}

impl Write for Packer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while self.step()? {}
        self.pending.drain(..self.pos);
        self.pos = 0;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where `what` is in `text`, which must hold it once.
fn find_once(text: &[u8], what: &[u8], part: &str) -> io::Result<usize> {
    let mut at = memchr::memmem::find_iter(text, what);
    match (at.next(), at.next()) {
        (Some(k), None) => Ok(k),
        _ => Err(bad(format!(
            "{part}: expected {} once in the sheet saved for its rows",
            String::from_utf8_lossy(what)
        ))),
    }
}

/// The start of rust_xlsxwriter's shared-string table (`<?xml …?>` and `<sst … count="C"
/// uniqueCount="U">`) made the start of the one that replaces it: `cells` added to its
/// count, `unique` its unique count; and `U`, the strings rust_xlsxwriter's table holds.
fn sst_head(head: &[u8], cells: u64, unique: u64) -> io::Result<(Vec<u8>, u64)> {
    let missing = || bad("the shared-string table has no <sst> tag with its counts".into());
    let sst = memchr::memmem::find(head, b"<sst ").ok_or_else(missing)?;
    let end = sst + memchr::memchr(b'>', &head[sst..]).ok_or_else(missing)?;
    let number_at = |attr: &[u8]| -> io::Result<(usize, usize, u64)> {
        let from = sst + memchr::memmem::find(&head[sst..end], attr).ok_or_else(missing)? + attr.len();
        let len = head[from..end].iter().take_while(|b| b.is_ascii_digit()).count();
        let n = std::str::from_utf8(&head[from..from + len])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(missing)?;
        Ok((from, len, n))
    };
    let (count_at, count_len, count) = number_at(b" count=\"")?;
    let (unique_at, unique_len, given) = number_at(b" uniqueCount=\"")?;
    if unique_at < count_at {
        return Err(missing());
    }
    let sum = count.checked_add(cells).ok_or_else(missing)?;
    let mut out = head[..count_at].to_vec();
    out.extend_from_slice(sum.to_string().as_bytes());
    out.extend_from_slice(&head[count_at + count_len..unique_at]);
    out.extend_from_slice(unique.to_string().as_bytes());
    out.extend_from_slice(&head[unique_at + unique_len..=end]);
    Ok((out, given))
}

/// One piece, primed with the end of the piece before it, ended with a sync flush (or, for a
/// part's last piece, the final block).
fn deflate(data: &[u8], primer: &[u8], last: bool) -> Result<Vec<u8>, String> {
    let mut c = Compress::new(Compression::new(LEVEL), false);
    if !primer.is_empty() {
        c.set_dictionary(primer).map_err(|e| e.to_string())?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(data.len() / 4 + 1024);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
        let from = c.total_in() as usize;
        let status = c
            .compress_vec(&data[from..], &mut out, flush)
            .map_err(|e| e.to_string())?;
        let all_in = c.total_in() as usize == data.len();
        // A flush is complete when it leaves room in the output.
        let flushed = all_in && out.len() < out.capacity();
        if status == Status::StreamEnd || (!last && flushed) {
            return Ok(out);
        }
    }
}

fn write_zip(parts: &[Part]) -> io::Result<Vec<u8>> {
    let too_big = || bad("a workbook past 4 GB (ZIP64) is not written".into());
    // The file's exact length, so that it is made in one allocation: grown by doubling, a
    // province's 36 MB workbook left 36 MB behind it at the run's peak. Each part: a local
    // header (30 bytes), its name and its pieces; a directory entry (46 bytes) and its name;
    // then the directory's end (22 bytes).
    let length: usize = parts
        .iter()
        .map(|p| 30 + 46 + 2 * p.name.len() + p.pieces.iter().flatten().map(Vec::len).sum::<usize>())
        .sum::<usize>()
        + 22;
    let mut out = Vec::with_capacity(length);
    let mut central = Vec::with_capacity(parts.iter().map(|p| 46 + p.name.len()).sum());
    for p in parts {
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let data: Vec<&[u8]> = p
            .pieces
            .iter()
            .map(Option::as_deref)
            .collect::<Option<_>>()
            .ok_or_else(|| bad("a piece was not deflated".into()))?;
        let packed = u32::try_from(data.iter().map(|d| d.len()).sum::<usize>()).map_err(|_| too_big())?;
        let size = u32::try_from(p.size).map_err(|_| too_big())?;
        let name_len = u16::try_from(p.name.len()).map_err(|_| too_big())?;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed: deflate
            v.extend_from_slice(&p.flags.to_le_bytes());
            v.extend_from_slice(&8u16.to_le_bytes()); // deflated
            v.extend_from_slice(&p.stamp);
            v.extend_from_slice(&p.crc.to_le_bytes());
            v.extend_from_slice(&packed.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&name_len.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        };
        out.extend_from_slice(&LOCAL.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(&p.name);
        for d in data {
            out.extend_from_slice(d);
        }
        central.extend_from_slice(&CENTRAL.to_le_bytes());
        central.extend_from_slice(&(0x0300u16 | 20).to_le_bytes()); // made on Unix, version 2.0
        common(&mut central);
        central.extend_from_slice(&0u16.to_le_bytes()); // no comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk 0
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes()); // a file, rw-------
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&p.name);
    }
    let at = u32::try_from(out.len()).map_err(|_| too_big())?;
    let count = u16::try_from(parts.len()).map_err(|_| too_big())?;
    let central_len = u32::try_from(central.len()).map_err(|_| too_big())?;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
                                                // The tests' workbooks hold the length to the bytes written.
    debug_assert_eq!(out.len(), length, "the workbook's length as reckoned");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};
    use zip::write::SimpleFileOptions;

    /// Text that deflates like XML does, `n` bytes of it.
    fn xmlish(n: usize, seed: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        let mut x = seed;
        while out.len() < n {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            out.extend_from_slice(format!("<c r=\"A{}\" t=\"s\"><v>{}</v></c>", x >> 50, (x >> 33) % 997).as_bytes());
        }
        out.truncate(n);
        out
    }

    /// A zip as rust_xlsxwriter writes one at level 1: streamed, deflated, descriptors.
    fn stored(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut z = zip::ZipWriter::new_stream(&mut buf);
        let level = (method == zip::CompressionMethod::Deflated).then_some(1);
        let o = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(level)
            .last_modified_time(zip::DateTime::default());
        for (name, data) in parts {
            z.start_file(*name, o).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
        buf
    }

    /// Feeds a zip to a packer in uneven writes.
    fn pack(zip: &[u8], write: usize) -> io::Result<Vec<u8>> {
        pack_on(zip, write, 2)
    }

    fn pack_on(zip: &[u8], write: usize, threads: usize) -> io::Result<Vec<u8>> {
        let mut p = Packer::with_threads(threads);
        for w in zip.chunks(write) {
            p.write_all(w)?;
        }
        p.finish()
    }

    #[test]
    fn every_part_comes_back_whole_and_the_bytes_do_not_depend_on_how_they_were_written() {
        let big = xmlish(3 * PIECE + 12_345, 1);
        let exact = xmlish(2 * PIECE, 2);
        let parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/empty.xml", b""),
            ("xl/worksheets/sheet1.xml", &big),
            ("xl/worksheets/sheet2.xml", &exact),
            ("xl/名称.xml", b"<x>\xE6\x98\x8E\xE7\xBB\x86</x>"),
        ];
        let input = stored(&parts, zip::CompressionMethod::Deflated);
        let a = pack(&input, 7_777).unwrap();
        let b = pack(&input, 1 << 20).unwrap();
        assert_eq!(a, b, "the same bytes whatever the writes");
        assert_eq!(a, pack_on(&input, 7_777, 1).unwrap(), "and whatever the cores");
        assert_eq!(a, pack_on(&input, 7_777, 3).unwrap(), "and whatever the cores");
        assert!(
            a.len() < input.len(),
            "level 5 beats level 1: {} of {}",
            a.len(),
            input.len()
        );
        let mut z = zip::ZipArchive::new(Cursor::new(&a)).unwrap();
        assert_eq!(z.len(), parts.len());
        for (i, (name, data)) in parts.iter().enumerate() {
            let mut f = z.by_index(i).unwrap();
            assert_eq!(f.name().unwrap(), *name);
            assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
            let mut back = Vec::new();
            // Reading to the end checks the CRC.
            f.read_to_end(&mut back).unwrap();
            assert!(back == **data, "{name} differs");
        }
    }

    #[test]
    fn a_part_not_deflated_or_a_wrong_crc_fails_the_save() {
        let input = stored(&[("a.png", b"\x89PNG")], zip::CompressionMethod::Stored);
        let e = pack(&input, 100).unwrap_err();
        assert!(e.to_string().contains("not plainly deflated"), "{e}");

        let mut input = stored(&[("a.xml", b"<a/>")], zip::CompressionMethod::Deflated);
        // The CRC is in the local header, or in the descriptor after the data.
        let at = match u16_at(&input, 6) & 8 {
            0 => 14,
            _ => input.windows(4).position(|w| w == DESCRIPTOR.to_le_bytes()).unwrap() + 4,
        };
        input[at] ^= 1;
        let e = pack(&input, 100).unwrap_err();
        assert!(e.to_string().contains("does not match"), "{e}");

        let input = stored(&[("a.xml", &xmlish(100_000, 3))], zip::CompressionMethod::Deflated);
        let e = pack(&input[..input.len() / 2], 100).unwrap_err();
        assert!(e.to_string().contains("ended inside a part"), "{e}");
    }

    fn rows(text: &[u8]) -> Deflated {
        let mut s = Stream::new(2);
        s.write(text).unwrap();
        s.finish().unwrap()
    }

    /// The shared strings of [`rows`]' making: `a` (the one the writer was given), `b`, `c`,
    /// and more than a piece of others.
    fn made_strings(given: u64) -> (SharedStrings, Vec<u8>) {
        let mut body = b"<si><t>a</t></si><si><t>b</t></si><si><t>c</t></si>".to_vec();
        let more = xmlish(PIECE + 77, 5);
        body.extend_from_slice(&more);
        let strings = SharedStrings {
            body: rows(&body),
            unique: 3,
            cells: 40,
            given,
        };
        (strings, body)
    }

    #[test]
    fn the_shared_strings_made_elsewhere_replace_the_writers_with_both_counts() {
        let sst = br#"<?xml version="1.0"?><sst xmlns="x" count="7" uniqueCount="1"><si><t>a</t></si></sst>"#;
        let input = stored(
            &[("xl/a.xml", b"<a/>"), ("xl/sharedStrings.xml", sst)],
            zip::CompressionMethod::Deflated,
        );
        let mut p = Packer::with_threads(2);
        let (strings, body) = made_strings(1);
        p.shared_strings(strings);
        p.write_all(&input).unwrap();
        let out = p.finish().unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(&out)).unwrap();
        let mut back = Vec::new();
        // Reading to the end checks the CRC, combined from the three pieces.
        z.by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        // 7 string cells of the writer's and 40 of the rows'; 3 strings in all, the writer's
        // one among them.
        let mut want = br#"<?xml version="1.0"?><sst xmlns="x" count="47" uniqueCount="3">"#.to_vec();
        want.extend_from_slice(&body);
        want.extend_from_slice(b"</sst>");
        assert!(back == want, "{}", String::from_utf8_lossy(&back[..200]));

        // The writer holding a string it was not given: it numbered it itself, so a number
        // names two strings. Refused.
        let two = br#"<?xml version="1.0"?><sst xmlns="x" count="8" uniqueCount="2"><si><t>a</t></si><si><t>z</t></si></sst>"#;
        let input = stored(&[("xl/sharedStrings.xml", two)], zip::CompressionMethod::Deflated);
        let mut p = Packer::with_threads(1);
        p.shared_strings(made_strings(1).0);
        let e = p.write_all(&input).and_then(|()| p.finish().map(drop)).unwrap_err();
        assert!(e.to_string().contains("numbered some itself"), "{e}");

        // No table saved (the writer wrote no string cell): the strings would be missing.
        let input = stored(&[("xl/a.xml", b"<a/>")], zip::CompressionMethod::Deflated);
        let mut p = Packer::with_threads(1);
        p.shared_strings(made_strings(0).0);
        p.write_all(&input).unwrap();
        let e = p.finish().unwrap_err();
        assert!(e.to_string().contains("no shared-string table"), "{e}");
    }

    #[test]
    fn rows_go_inside_the_empty_sheet_saved_for_them_and_nowhere_else() {
        let shell = br#"<worksheet><dimension ref="A1"/><cols/><sheetData/><pageSetup/></worksheet>"#;
        let body = xmlish(2 * PIECE + 99, 4);
        let input = stored(&[("xl/worksheets/sheet1.xml", shell)], zip::CompressionMethod::Deflated);
        let mut p = Packer::with_threads(2);
        p.splice(Splice {
            part: "xl/worksheets/sheet1.xml".into(),
            dimension: "A1:I9".into(),
            rows: rows(&body),
        });
        p.write_all(&input).unwrap();
        let out = p.finish().unwrap();
        let mut z = zip::ZipArchive::new(Cursor::new(&out)).unwrap();
        let mut back = Vec::new();
        // Reading to the end checks the CRC, combined from the three pieces.
        z.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        let mut want = br#"<worksheet><dimension ref="A1:I9"/><cols/><sheetData>"#.to_vec();
        want.extend_from_slice(&body);
        want.extend_from_slice(br#"</sheetData><pageSetup/></worksheet>"#);
        assert!(back == want, "the rows inside <sheetData>, the dimension theirs");

        // A sheet with cells of its own is not one to put rows in; rows for no sheet fail.
        let full = stored(
            &[(
                "xl/worksheets/sheet1.xml",
                br#"<dimension ref="A1"/><sheetData><row/></sheetData>"#,
            )],
            zip::CompressionMethod::Deflated,
        );
        let mut p = Packer::with_threads(1);
        p.splice(Splice {
            part: "xl/worksheets/sheet1.xml".into(),
            dimension: "A1:A2".into(),
            rows: rows(b"<row/>"),
        });
        let e = p.write_all(&full).and_then(|()| p.finish().map(drop)).unwrap_err();
        assert!(e.to_string().contains("expected <sheetData/> once"), "{e}");
        let mut p = Packer::with_threads(1);
        p.splice(Splice {
            part: "xl/worksheets/sheet9.xml".into(),
            dimension: "A1:A2".into(),
            rows: rows(b"<row/>"),
        });
        p.write_all(&full).unwrap();
        let e = p.finish().unwrap_err();
        assert!(e.to_string().contains("no sheet xl/worksheets/sheet9.xml"), "{e}");
    }
}
