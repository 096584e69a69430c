//! PP-OCR: PaddleOCR's text detector and recognizer (PP-OCRv6 small, the ONNX files
//! shipped in the PyPI wheel `rapidocr` 3.10.0, Apache-2.0), run in-process by `rten`.
//!
//! Why this engine by default: Debian's Tesseract data for Japanese has no `▲ △ ○ ■` in its
//! character set, so it can never read a negative mark, and reads `1,234,567` as
//! `1.234.567` and 債 as 償 on scanned tables; PP-OCRv6 small knows 18,708 symbols
//! (kana, kanji, ▲ △) and reads those lines right. `rten` runs both files unchanged in
//! pure Rust (no ONNX Runtime library to install), builds in about a minute, and gives
//! the same text as ONNX Runtime.
//!
//! A page is read in three steps, on the image [`super::image::prepare`] made (deskewed,
//! resampled, rulings erased):
//! 1. **Detection** ([`detect`]): the detector's text probability map, thresholded; each
//!    connected region whose mean probability is high enough is a text line, its box
//!    grown back by the DB "unclip" distance (the model is trained on shrunk boxes).
//!    A line box that a vertical ruling crosses is cut there: text never runs across a
//!    drawn column line.
//! 2. **Recognition** ([`Models::recognize`]): each box cropped, scaled to the
//!    recognizer's 48 px height, read in batches; greedy CTC decoding over the model's
//!    alphabet (its ONNX metadata key `character`, class 0 the blank, the last class a
//!    space). Chinese forms are folded into Japanese ones first ([`super::forms`]).
//! 3. **Words** ([`words_of_line`]): the decoder's frame positions give each character's
//!    place along the line; a space or a gap wider than `rec_word_break` box heights
//!    ends a word. Words are [`EngineWord`]s in the prepared image's pixels, as
//!    Tesseract's are, so everything after this is shared.
//!
//! Models are loaded once per process and per directory; their SHA-256 is part of the
//! engine name and so of the OCR cache key.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;
use sha2::{Digest, Sha256};

use super::image::Gray;
use super::rulings::PxSegment;
use super::words::{EngineWord, CAP_HEIGHT_EM};
use super::{Error, OcrSettings};

/// The detector's file name in the models directory.
pub const DET_FILE: &str = "PP-OCRv6_det_small.onnx";
/// The recognizer's file name in the models directory.
pub const REC_FILE: &str = "PP-OCRv6_rec_small.onnx";
/// The command that installs both (from the repository root).
pub const INSTALL: &str = "scripts/install-ocr-models.sh";
/// The recognizer's input height in pixels (fixed by the model).
const REC_HEIGHT: usize = 48;
/// The recognizer's narrowest batch (PaddleOCR pads every line to at least 320 px, the
/// width it was trained at).
const REC_MIN_WIDTH: usize = 320;
/// The detector's input sides are multiples of this (its down-sampling stride).
const DET_STRIDE: usize = 32;
/// A detected (unclipped) line box is about this many em high: measured on the real
/// scans at 200–300 dpi (digits of a 10.5 pt line: box 31–35 px, em 29 px at 200 dpi).
const BOX_HEIGHT_EM: f64 = 1.15;
/// A character below this probability is listed as unsure in the `-vvv` trace of each
/// line (a misread such as `抄`=0.24 for `捗` shows there; confident reads are 0.95+).
const UNSURE: f32 = 0.9;
/// A detector region narrower or lower than this (pixels) is a speck, not a line.
const MIN_BOX_PX: f64 = 3.0;

/// The models directory: the `models_dir` setting, else `$NENPO_OCR_MODELS`, else
/// `$XDG_CACHE_HOME/nenpo/models`, else `~/.cache/nenpo/models` (where
/// `scripts/install-ocr-models.sh` puts them).
pub fn models_dir(s: &OcrSettings) -> Option<PathBuf> {
    s.models_dir
        .clone()
        .or_else(|| super::cache::env_path("NENPO_OCR_MODELS"))
        .or_else(|| super::cache::user_cache().map(|d| d.join("models")))
}

/// Runs `model` on `input`; its first output as an `N`-dimensional tensor.
fn run<const N: usize>(
    model: &Model,
    input: NdTensor<f32, 4>,
    what: &str,
) -> Result<NdTensor<f32, N>, Error> {
    let out = model
        .run_one(input.view().into(), None)
        .map_err(|e| Error::Model {
            message: format!("{what}: {e}"),
        })?;
    out.try_into().map_err(|e| Error::Model {
        message: format!("{what} output: {e:?}"),
    })
}

/// The two models, the recognizer's alphabet with Chinese forms folded, and the engine
/// name (with the files' hashes).
pub struct Models {
    det: Model,
    rec: Model,
    /// Text of each recognizer class (class 0, the blank, is empty).
    classes: Vec<String>,
    /// (Chinese form's class, Japanese form's class): the first's probability is added to
    /// the second's before decoding.
    folds: Vec<(usize, usize)>,
    /// `pp-ocrv6-small det=<sha256 prefix> rec=<sha256 prefix>`.
    pub engine: String,
}

/// Loads the models from `models_dir` (once per process and directory).
///
/// The lock is never held while loading: rten runs work on its own thread pool, and a
/// page thread waiting for it may meanwhile take another page's job from the page pool,
/// which comes here too (a lock held across the load deadlocked `extract` on a three-page
/// scan). Two pages may then load the same models at once; the first stored is kept.
pub fn load(s: &OcrSettings) -> Result<Arc<Models>, Error> {
    type Loaded = Vec<(PathBuf, bool, Result<Arc<Models>, String>)>;
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    let dir = models_dir(s).ok_or_else(|| Error::ModelsMissing {
        dir: "(no HOME or XDG_CACHE_HOME)".into(),
    })?;
    let loaded = LOADED.get_or_init(|| Mutex::new(Vec::new()));
    let find = |v: &Loaded| {
        v.iter()
            .find(|(d, f, _)| *d == dir && *f == s.japanese_forms)
            .map(|(_, _, r)| r.clone())
    };
    if let Some(r) = find(&loaded.lock().unwrap_or_else(|p| p.into_inner())) {
        return r.map_err(|message| Error::Model { message });
    }
    let det_path = dir.join(DET_FILE);
    let rec_path = dir.join(REC_FILE);
    if !det_path.is_file() || !rec_path.is_file() {
        return Err(Error::ModelsMissing {
            dir: dir.display().to_string(),
        });
    }
    let r = Models::load(&det_path, &rec_path, s.japanese_forms).map(Arc::new);
    let mut guard = loaded.lock().unwrap_or_else(|p| p.into_inner());
    let r = match find(&guard) {
        Some(first) => first,
        None => {
            guard.push((dir, s.japanese_forms, r.clone()));
            r
        }
    };
    r.map_err(|message| Error::Model { message })
}

fn sha256_prefix(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Models {
    fn load(det_path: &Path, rec_path: &Path, japanese_forms: bool) -> Result<Models, String> {
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let (det_bytes, rec_bytes) = (read(det_path)?, read(rec_path)?);
        let engine = format!(
            "pp-ocrv6-small det={} rec={}{}",
            sha256_prefix(&det_bytes),
            sha256_prefix(&rec_bytes),
            if japanese_forms { " jp-forms" } else { "" }
        );
        let det = Model::load(det_bytes).map_err(|e| format!("{}: {e}", det_path.display()))?;
        let rec = Model::load(rec_bytes).map_err(|e| format!("{}: {e}", rec_path.display()))?;
        let alphabet = rec
            .metadata()
            .get("character")
            .ok_or_else(|| format!("{}: no `character` metadata", rec_path.display()))?;
        let (classes, folds) = classes(alphabet, japanese_forms);
        Ok(Models {
            det,
            rec,
            classes,
            folds,
            engine,
        })
    }

    /// Reads one prepared page image: its words, in its pixels.
    pub fn read(
        &self,
        img: &Gray,
        rulings: &[PxSegment],
        s: &OcrSettings,
    ) -> Result<Vec<EngineWord>, Error> {
        let boxes = split_at_rulings(self.detect(img, s)?, rulings);
        let boxes = split_stacked_lines(boxes, img, s);
        let lines = self.recognize(img, &boxes, s, 0)?;
        let mut out = Vec::new();
        for (i, (b, chars)) in boxes.iter().zip(&lines).enumerate() {
            if tracing::enabled!(tracing::Level::TRACE) {
                let text: String = chars.iter().map(|c| c.text.as_str()).collect();
                let unsure: Vec<String> = chars
                    .iter()
                    .filter(|c| c.confidence < UNSURE)
                    .map(|c| format!("{}={:.2}", c.text, c.confidence))
                    .collect();
                tracing::trace!(
                    ?unsure,
                    "pp-ocr box {:.0},{:.0},{:.0},{:.0} score {:.2}: {text}",
                    b.x0,
                    b.y0,
                    b.x1,
                    b.y1,
                    b.score
                );
            }
            out.extend(words_of_line(b, chars, i as u32, s));
        }
        Ok(out)
    }

    /// Text line boxes in the image's pixels.
    pub fn detect(&self, img: &Gray, s: &OcrSettings) -> Result<Vec<PxBox>, Error> {
        let (w, h) = (img.width, img.height);
        if w < 2 || h < 2 {
            return Ok(Vec::new());
        }
        let scale = (s.det_max_side as f64 / w.max(h) as f64).min(1.0);
        let side = |n: usize| {
            (((n as f64 * scale) / DET_STRIDE as f64).round() as usize).max(1) * DET_STRIDE
        };
        let (nw, nh) = (side(w), side(h));
        let small = resample(&img.pixels, w, h, nw, nh);
        let plane: Vec<f32> = small.iter().map(|&v| v / 127.5 - 1.0).collect();
        let mut data = Vec::with_capacity(3 * plane.len());
        for _ in 0..3 {
            data.extend_from_slice(&plane);
        }
        let prob: NdTensor<f32, 4> = run(
            &self.det,
            NdTensor::from_data([1, 3, nh, nw], data),
            "detector",
        )?;
        let (ph, pw) = (prob.size(2), prob.size(3));
        let map: Vec<f32> = prob.iter().copied().collect();
        if map.len() != ph * pw {
            return Err(Error::Model {
                message: format!("detector output has {} values for {pw}x{ph}", map.len()),
            });
        }
        let (sx, sy) = (w as f64 / pw as f64, h as f64 / ph as f64);
        Ok(db_boxes(&map, pw, ph, s)
            .into_iter()
            .map(|b| PxBox {
                x0: (b.x0 * sx).clamp(0.0, w as f64),
                y0: (b.y0 * sy).clamp(0.0, h as f64),
                x1: (b.x1 * sx).clamp(0.0, w as f64),
                y1: (b.y1 * sy).clamp(0.0, h as f64),
                score: b.score,
            })
            .filter(|b| b.x1 - b.x0 >= 2.0 && b.y1 - b.y0 >= 2.0)
            .collect())
    }

    /// The characters of each box, in order along it; with `top_k` > 0 each character
    /// also lists the `top_k` likeliest symbols at its most confident frame.
    pub fn recognize(
        &self,
        img: &Gray,
        boxes: &[PxBox],
        s: &OcrSettings,
        top_k: usize,
    ) -> Result<Vec<Vec<CharHit>>, Error> {
        let mut out: Vec<Vec<CharHit>> = vec![Vec::new(); boxes.len()];
        // Each crop at the recognizer's height: (box index, width, pixels).
        let mut crops: Vec<(usize, usize, Vec<f32>)> = Vec::with_capacity(boxes.len());
        for (i, b) in boxes.iter().enumerate() {
            let (x0, y0) = (b.x0.floor() as usize, b.y0.floor() as usize);
            let x1 = (b.x1.ceil() as usize).min(img.width);
            let y1 = (b.y1.ceil() as usize).min(img.height);
            if x1 <= x0 + 1 || y1 <= y0 + 1 {
                continue;
            }
            let (cw, ch) = (x1 - x0, y1 - y0);
            let mut crop = Vec::with_capacity(cw * ch);
            for y in y0..y1 {
                crop.extend_from_slice(&img.pixels[y * img.width + x0..y * img.width + x1]);
            }
            let rw = ((REC_HEIGHT as f64 * cw as f64 / ch as f64).ceil() as usize)
                .clamp(8, s.rec_max_width);
            crops.push((i, rw, resample(&crop, cw, ch, rw, REC_HEIGHT)));
        }
        crops.sort_by_key(|c| c.1);
        for batch in crops.chunks(s.rec_batch.max(1)) {
            let width = batch
                .iter()
                .map(|c| c.1)
                .max()
                .unwrap_or(REC_MIN_WIDTH)
                .max(REC_MIN_WIDTH);
            let n = batch.len();
            // Padding is 0 after normalisation (mid gray), as the model was trained.
            let mut data = vec![0f32; n * 3 * REC_HEIGHT * width];
            for (k, (_, rw, px)) in batch.iter().enumerate() {
                for c in 0..3 {
                    let base = (k * 3 + c) * REC_HEIGHT * width;
                    for y in 0..REC_HEIGHT {
                        let row = &px[y * rw..(y + 1) * rw];
                        let dst = &mut data[base + y * width..base + y * width + rw];
                        for (d, &v) in dst.iter_mut().zip(row) {
                            *d = v / 127.5 - 1.0;
                        }
                    }
                }
            }
            let probs: NdTensor<f32, 3> = run(
                &self.rec,
                NdTensor::from_data([n, 3, REC_HEIGHT, width], data),
                "recognizer",
            )?;
            let (t, c) = (probs.size(1), probs.size(2));
            if c != self.classes.len() || probs.size(0) != n {
                return Err(Error::Model {
                    message: format!(
                        "recognizer gives {c} classes for an alphabet of {}",
                        self.classes.len()
                    ),
                });
            }
            for (k, (i, rw, _)) in batch.iter().enumerate() {
                let Some(b) = boxes.get(*i) else { continue };
                // Frames over this crop's own width, not the padding.
                let valid = ((*rw as f64 / width as f64) * t as f64).ceil() as usize;
                let frame_px = (width as f64 / t as f64) * ((b.x1 - b.x0) / *rw as f64);
                let mut frames: Vec<f32> = Vec::with_capacity(valid.min(t) * c);
                for f in 0..valid.min(t) {
                    for j in 0..c {
                        frames.push(probs[[k, f, j]]);
                    }
                }
                let hits = ctc_greedy(&mut frames, c, &self.folds);
                out[*i] = hits
                    .into_iter()
                    .filter_map(|(class, first, last, p)| {
                        let text = self.classes.get(class)?.clone();
                        let mid = (first + last + 1) as f64 / 2.0;
                        let alternatives = if top_k == 0 {
                            Vec::new()
                        } else {
                            // The hit's most confident frame (folds already applied).
                            let best = (first..=last)
                                .filter_map(|f| frames.get(f * c + class).map(|&v| (f, v)))
                                .fold((first, f32::MIN), |a, b| if b.1 > a.1 { b } else { a })
                                .0;
                            let row = frames.get(best * c..(best + 1) * c).unwrap_or(&[]);
                            let mut idx: Vec<usize> = (0..row.len()).collect();
                            let k = top_k.min(idx.len());
                            if k > 0 {
                                idx.select_nth_unstable_by(k - 1, |&a, &b| {
                                    row[b].total_cmp(&row[a])
                                });
                            }
                            idx.truncate(k);
                            idx.sort_by(|&a, &b| row[b].total_cmp(&row[a]));
                            idx.into_iter()
                                .filter_map(|j| Some((self.classes.get(j)?.clone(), row[j])))
                                .collect()
                        };
                        Some(CharHit {
                            text,
                            x: b.x0 + mid * frame_px,
                            confidence: p,
                            alternatives,
                        })
                    })
                    .collect();
            }
        }
        Ok(out)
    }
}

/// The recognizer's classes from its alphabet (one symbol a line): class 0 the CTC blank,
/// then the symbols, then a space. With `japanese_forms`, a Chinese form whose Japanese
/// form is also a class is folded into it; one whose Japanese form is not is given the
/// Japanese text.
fn classes(alphabet: &str, japanese_forms: bool) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut classes = vec![String::new()];
    classes.extend(
        alphabet
            .split('\n')
            .map(|l| l.trim_end_matches('\r').to_string()),
    );
    classes.push(" ".to_string());
    let mut folds = Vec::new();
    if japanese_forms {
        let index: std::collections::HashMap<&str, usize> = classes
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut renamed = Vec::new();
        for (i, t) in classes.iter().enumerate().skip(1) {
            let mut cs = t.chars();
            let (Some(c), None) = (cs.next(), cs.next()) else {
                continue;
            };
            if let Some(j) = super::forms::japanese_form(c) {
                let mut buf = [0u8; 4];
                match index.get(&*j.encode_utf8(&mut buf)) {
                    Some(&k) => folds.push((i, k)),
                    None => renamed.push((i, j.to_string())),
                }
            }
        }
        for (i, t) in renamed {
            classes[i] = t;
        }
    }
    (classes, folds)
}

/// Greedy CTC decoding of `frames` (`classes` probabilities a frame), after adding each
/// fold's first class's probability to its second's. Gives (class, first frame, last
/// frame, best probability) per emitted symbol.
fn ctc_greedy(
    frames: &mut [f32],
    classes: usize,
    folds: &[(usize, usize)],
) -> Vec<(usize, usize, usize, f32)> {
    let mut out: Vec<(usize, usize, usize, f32)> = Vec::new();
    let mut prev = 0usize;
    for (f, row) in frames.chunks_exact_mut(classes.max(1)).enumerate() {
        for &(from, to) in folds {
            if from < row.len() && to < row.len() {
                row[to] += row[from];
                row[from] = 0.0;
            }
        }
        let (best, p) =
            row.iter().enumerate().fold(
                (0usize, f32::MIN),
                |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
            );
        if best != 0 {
            match out.last_mut() {
                Some(last) if best == prev => {
                    last.2 = f;
                    last.3 = last.3.max(p);
                }
                _ => out.push((best, f, f, p)),
            }
        }
        prev = best;
    }
    out
}

/// A text line box in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PxBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Mean text probability inside the box.
    pub score: f32,
}

/// One recognised character: its text and the centre of its frames along the line.
#[derive(Clone, Debug, PartialEq)]
pub struct CharHit {
    pub text: String,
    pub x: f64,
    pub confidence: f32,
    /// The likeliest symbols at its most confident frame with their probabilities, best
    /// first (only when asked for: [`Models::recognize`]'s `top_k`).
    pub alternatives: Vec<(String, f32)>,
}

/// DB post-processing on a probability map: pixels above `det_threshold`, grown by one
/// pixel (the map's text kernels are thin), in 8-connected regions; a region whose
/// bounding box has a mean probability of at least `det_box_threshold` is a line, its
/// box grown by `area × det_unclip_ratio / perimeter` on every side. At most
/// `det_max_boxes` regions are considered (the most a page can hold).
fn db_boxes(map: &[f32], w: usize, h: usize, s: &OcrSettings) -> Vec<PxBox> {
    let t = s.det_threshold as f32;
    let raw: Vec<bool> = map.iter().map(|&p| p > t).collect();
    // Dilation by a 2x2 block.
    let mut mask = raw.clone();
    for y in 0..h {
        for x in 0..w {
            if !raw[y * w + x] {
                let up = y > 0 && raw[(y - 1) * w + x];
                let left = x > 0 && raw[y * w + x - 1];
                let diag = x > 0 && y > 0 && raw[(y - 1) * w + x - 1];
                mask[y * w + x] = up || left || diag;
            }
        }
    }
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || seen[start] {
            continue;
        }
        if out.len() >= s.det_max_boxes {
            break;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
            for dy in [-1i64, 0, 1] {
                for dx in [-1i64, 0, 1] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if mask[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let (bw, bh) = ((x1 + 1 - x0) as f64, (y1 + 1 - y0) as f64);
        if bw.min(bh) < MIN_BOX_PX {
            continue;
        }
        let mut sum = 0f64;
        for y in y0..=y1 {
            for &p in &map[y * w + x0..=y * w + x1] {
                sum += f64::from(p);
            }
        }
        let score = (sum / (bw * bh)) as f32;
        if f64::from(score) < s.det_box_threshold {
            continue;
        }
        let d = bw * bh * s.det_unclip_ratio / (2.0 * (bw + bh));
        out.push(PxBox {
            x0: x0 as f64 - d,
            y0: y0 as f64 - d,
            x1: (x1 + 1) as f64 + d,
            y1: (y1 + 1) as f64 + d,
            score,
        });
    }
    out
}

/// Cuts each box where a vertical ruling crosses it (through its middle row, away from
/// its ends): text never runs across a drawn column line, and after the rulings are
/// erased the detector may join two cells' text into one line.
///
/// Rule `cut_piece_seen_twice`: a piece cut off that lies mostly (at least
/// [`SEEN_TWICE`] of its area) inside another box is ink that box reads already. The
/// detector joined a line of one cell with the first character of the next cell's line
/// (`…具体的な` + the left stroke of `は`), which its own box holds whole; read again, the
/// sliver becomes a stray `1`, `2` or `正` in the next cell's text.
fn split_at_rulings(boxes: Vec<PxBox>, rulings: &[PxSegment]) -> Vec<PxBox> {
    let mut pieces: Vec<(PxBox, bool)> = Vec::with_capacity(boxes.len());
    for b in boxes {
        let cy = (b.y0 + b.y1) / 2.0;
        let margin = (b.y1 - b.y0) * CUT_MARGIN;
        let mut cuts: Vec<f64> = rulings
            .iter()
            .filter(|r| !r.horizontal && r.start <= cy && r.end >= cy)
            .map(|r| r.pos)
            .filter(|&x| x > b.x0 + margin && x < b.x1 - margin)
            .collect();
        cuts.sort_by(f64::total_cmp);
        let cut = !cuts.is_empty();
        let mut left = b.x0;
        for x in cuts.into_iter().chain(std::iter::once(b.x1)) {
            if x - left >= 2.0 {
                pieces.push((
                    PxBox {
                        x0: left,
                        x1: x,
                        ..b
                    },
                    cut,
                ));
            }
            left = x;
        }
    }
    let area = |b: &PxBox| (b.x1 - b.x0).max(0.0) * (b.y1 - b.y0).max(0.0);
    let inside = |a: &PxBox, b: &PxBox| {
        let w = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
        let h = (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0);
        w * h
    };
    (0..pieces.len())
        .filter(|&i| {
            let (p, cut) = &pieces[i];
            !*cut
                || !pieces.iter().enumerate().any(|(j, (q, _))| {
                    j != i
                        && area(q) > area(p)
                        && inside(p, q) >= SEEN_TWICE * area(p).max(f64::MIN_POSITIVE)
                })
        })
        .map(|i| pieces[i].0)
        .collect()
}

/// A vertical ruling cuts a line box only where it crosses the box this share of the
/// box's height in from either end: a ruling just at a box's edge is the cell's border.
const CUT_MARGIN: f64 = 0.25;

/// Rule `cut_piece_seen_twice`: the share of a cut piece's area inside another box that
/// makes it that box's ink read twice.
const SEEN_TWICE: f64 = 0.5;

/// Rule `stacked_lines`: a line box at least `det_split_lines` times as high as the
/// page's typical line box, with a nearly blank pixel row across it in its middle half,
/// is two lines the detector joined (a wrapped label in a cell with tight line spacing:
/// `国庫補助金等特別積立金 / 取崩額`, read interleaved as one line otherwise); it is cut
/// at that row, and each part again while it is still that high.
fn split_stacked_lines(boxes: Vec<PxBox>, img: &Gray, s: &OcrSettings) -> Vec<PxBox> {
    let mut heights: Vec<f64> = boxes
        .iter()
        .filter(|b| b.x1 - b.x0 >= 2.0 * (b.y1 - b.y0))
        .map(|b| b.y1 - b.y0)
        .collect();
    if heights.is_empty() || img.width == 0 {
        return boxes;
    }
    heights.sort_by(f64::total_cmp);
    let line_h = heights[heights.len() / 2];
    let mut out = Vec::with_capacity(boxes.len());
    let mut todo = boxes;
    while let Some(b) = todo.pop() {
        let h = b.y1 - b.y0;
        if h < s.det_split_lines * line_h || b.x1 - b.x0 < h {
            out.push(b);
            continue;
        }
        let (x0, x1) = (
            b.x0.max(0.0) as usize,
            (b.x1.max(0.0) as usize).min(img.width),
        );
        if x1 <= x0 {
            out.push(b);
            continue;
        }
        let lo = ((b.y0 + BAND_INSET * h).max(0.0) as usize).min(img.height);
        let hi = ((b.y1 - BAND_INSET * h).max(0.0) as usize).min(img.height);
        let ink = |y: usize| {
            img.pixels[y * img.width + x0..y * img.width + x1]
                .iter()
                .filter(|&&p| p < INK_LEVEL)
                .count()
        };
        let best = (lo..hi).map(|y| (ink(y), y)).min();
        match best {
            Some((n, y)) if (n as f64) <= BLANK_ROW_INK * (x1 - x0) as f64 => {
                let y = y as f64;
                todo.push(PxBox { y1: y, ..b });
                todo.push(PxBox { y0: y, ..b });
            }
            _ => out.push(b),
        }
    }
    out.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    out
}

/// [`split_stacked_lines`] looks for the blank pixel row in the middle of a box: this
/// share of its height is left out at the top and at the bottom.
const BAND_INSET: f64 = 0.25;
/// A pixel darker than this gray level is ink, for [`split_stacked_lines`] (the prepared
/// image is paper-white above `paper_level`).
const INK_LEVEL: u8 = 128;
/// A pixel row with ink on at most this fraction of a box's width is blank (a descender
/// or a speck may cross the gap between two lines).
const BLANK_ROW_INK: f64 = 0.02;

/// Whether a character is as wide as it is high (kana, kanji, full-width forms).
fn full_width(c: &str) -> bool {
    c.chars()
        .next()
        .is_some_and(|c| super::words::is_cjk(c) || "▲△▼○●◎■□※".contains(c))
}

/// The words of one recognised line `index`: characters in order, a new word at a space
/// or where the next character's centre is more than `rec_word_break` box heights past
/// the previous one's (a column gap the detector did not cut). Each word's box spans its
/// characters (half an em for a full-width one, a quarter for others, either side of
/// its centre) over the line's em band.
fn words_of_line(b: &PxBox, chars: &[CharHit], index: u32, s: &OcrSettings) -> Vec<EngineWord> {
    let bh = b.y1 - b.y0;
    let em = bh / BOX_HEIGHT_EM;
    let cy = (b.y0 + b.y1) / 2.0;
    let half = |c: &CharHit| {
        if full_width(&c.text) {
            em / 2.0
        } else {
            em / 4.0
        }
    };
    let mut out = Vec::new();
    let mut cur: Vec<&CharHit> = Vec::new();
    let flush = |cur: &mut Vec<&CharHit>, out: &mut Vec<EngineWord>| {
        if let (Some(first), Some(last)) = (cur.first(), cur.last()) {
            let left = (first.x - half(first)).max(b.x0);
            let right = (last.x + half(last)).min(b.x1).max(left + 1.0);
            let height = em * CAP_HEIGHT_EM;
            out.push(EngineWord {
                text: cur.iter().map(|c| c.text.as_str()).collect(),
                left,
                top: cy - height / 2.0,
                width: right - left,
                height,
                confidence: cur.iter().map(|c| c.confidence).fold(1.0, f32::min),
                line: (index, 0, 0),
            });
        }
        cur.clear();
    };
    for c in chars {
        if c.text.trim().is_empty() {
            flush(&mut cur, &mut out);
            continue;
        }
        if let Some(prev) = cur.last() {
            if c.x - prev.x > s.rec_word_break * bh {
                flush(&mut cur, &mut out);
            }
        }
        cur.push(c);
    }
    flush(&mut cur, &mut out);
    out
}

/// Resamples a gray image to `nw × nh` with a triangle filter as wide as the scale
/// needs (bilinear when enlarging, an average over the source pixels when shrinking).
pub fn resample(src: &[u8], w: usize, h: usize, nw: usize, nh: usize) -> Vec<f32> {
    let weights = |n_in: usize, n_out: usize| -> Vec<(usize, Vec<f32>)> {
        let scale = n_out as f64 / n_in as f64;
        let support = (1.0 / scale).max(1.0);
        (0..n_out)
            .map(|o| {
                let centre = (o as f64 + 0.5) / scale - 0.5;
                let lo = (centre - support).ceil().max(0.0) as usize;
                let hi = ((centre + support).floor() as usize).min(n_in - 1);
                let mut ws: Vec<f32> = (lo..=hi.max(lo))
                    .map(|i| (1.0 - ((i as f64 - centre).abs() / support)).max(0.0) as f32)
                    .collect();
                let sum: f32 = ws.iter().sum();
                if sum > 0.0 {
                    ws.iter_mut().for_each(|v| *v /= sum);
                } else {
                    ws = vec![1.0];
                }
                (lo.min(n_in - 1), ws)
            })
            .collect()
    };
    let (wx, wy) = (weights(w, nw), weights(h, nh));
    // Horizontal pass: h rows of nw.
    let mut tmp = vec![0f32; h * nw];
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        for (x, (lo, ws)) in wx.iter().enumerate() {
            let mut v = 0f32;
            for (k, &wt) in ws.iter().enumerate() {
                v += wt * f32::from(row[(lo + k).min(w - 1)]);
            }
            tmp[y * nw + x] = v;
        }
    }
    let mut out = vec![0f32; nw * nh];
    for (y, (lo, ws)) in wy.iter().enumerate() {
        for x in 0..nw {
            let mut v = 0f32;
            for (k, &wt) in ws.iter().enumerate() {
                v += wt * tmp[(lo + k).min(h - 1) * nw + x];
            }
            out[y * nw + x] = v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctc_collapses_repeats_skips_blanks_and_folds_forms() {
        // Classes: 0 blank, 1 `决`, 2 `決`, 3 `1`.
        #[rustfmt::skip]
        let mut frames = vec![
            0.9, 0.0, 0.0, 0.1,   // blank
            0.1, 0.5, 0.4, 0.0,   // 决 (0.5) but 決 with the fold (0.9)
            0.1, 0.6, 0.3, 0.0,   // the same symbol again: collapsed
            0.8, 0.1, 0.0, 0.1,   // blank
            0.0, 0.0, 0.1, 0.9,   // 1
            0.9, 0.0, 0.0, 0.1,   // blank
            0.0, 0.0, 0.1, 0.9,   // 1 again after a blank: a second 1
        ];
        let got = ctc_greedy(&mut frames, 4, &[(1, 2)]);
        let classes: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(classes, vec![2, 3, 3]);
        assert_eq!((got[0].1, got[0].2), (1, 2));
        let plain = ctc_greedy(&mut [0.1, 0.5, 0.4, 0.0, 0.1, 0.6, 0.3, 0.0], 4, &[]);
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].0, 1);
    }

    #[test]
    fn alphabet_classes_fold_chinese_forms() {
        let (folded, folds) = classes("决\n決\n稅\nA", true);
        assert_eq!(folded, vec!["", "决", "決", "税", "A", " "]);
        assert_eq!(folds, vec![(1, 2)]);
        let (plain, none) = classes("决\n決", false);
        assert_eq!(plain, vec!["", "决", "決", " "]);
        assert!(none.is_empty());
    }

    #[test]
    fn db_boxes_find_regions_and_unclip_them() {
        let (w, h) = (40, 20);
        let mut map = vec![0f32; w * h];
        // A 20x4 line of text probability 0.9 and a faint 6x4 region (0.4).
        for y in 8..12 {
            for x in 5..25 {
                map[y * w + x] = 0.9;
            }
            for x in 30..36 {
                map[y * w + x] = 0.4;
            }
        }
        let s = OcrSettings::default();
        let boxes = db_boxes(&map, w, h, &s);
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let b = boxes[0];
        // Dilated to 21x5; unclip distance 21*5*1.6/52 = 3.2.
        assert!((b.x0 - (5.0 - 3.23)).abs() < 0.05, "{b:?}");
        assert!((b.y1 - (13.0 + 3.23)).abs() < 0.05, "{b:?}");
    }

    #[test]
    fn boxes_are_cut_at_vertical_rulings() {
        let b = PxBox {
            x0: 0.0,
            y0: 0.0,
            x1: 100.0,
            y1: 20.0,
            score: 0.9,
        };
        let ruling = |pos: f64, start: f64, end: f64| PxSegment {
            horizontal: false,
            pos,
            start,
            end,
            thickness: 1.0,
        };
        // One ruling through the middle, one that ends above the box, one at its edge.
        let got = split_at_rulings(
            vec![b],
            &[
                ruling(40.0, -5.0, 30.0),
                ruling(70.0, -50.0, -10.0),
                ruling(98.0, 0.0, 30.0),
            ],
        );
        let xs: Vec<(f64, f64)> = got.iter().map(|b| (b.x0, b.x1)).collect();
        assert_eq!(xs, vec![(0.0, 40.0), (40.0, 100.0)]);
        // Rule `cut_piece_seen_twice`: a line of the left cell joined with the first
        // character's left stroke of the right cell's line, whose own box (from x 42)
        // holds that character: the sliver 40-46 is dropped, the left cell's part kept.
        let joined = PxBox { x1: 46.0, ..b };
        let right = PxBox {
            x0: 42.0,
            y0: -1.0,
            x1: 200.0,
            y1: 19.0,
            score: 0.9,
        };
        let got = split_at_rulings(vec![joined, right], &[ruling(40.0, -50.0, 50.0)]);
        let xs: Vec<(f64, f64)> = got.iter().map(|b| (b.x0, b.x1)).collect();
        assert_eq!(xs, vec![(0.0, 40.0), (42.0, 200.0)]);
        // A piece no other box holds is kept, however narrow.
        let got = split_at_rulings(vec![joined], &[ruling(40.0, -50.0, 50.0)]);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn stacked_lines_are_cut_at_the_blank_row() {
        // Two lines of ink (rows 10-18 and 21-29) in a box 4 px around them, beside two
        // ordinary one-line boxes; and one tall box of solid ink (a big title), kept.
        let mut img = Gray::new(200, 100, 255);
        for y in (10..19).chain(21..30).chain(60..90) {
            for x in 20..180 {
                img.pixels[y * 200 + x] = 0;
            }
        }
        let b = |y0: f64, y1: f64| PxBox {
            x0: 16.0,
            y0,
            x1: 184.0,
            y1,
            score: 0.9,
        };
        let s = OcrSettings::default();
        // The page's typical line box is 12 high (the median of its wide boxes).
        let boxes = vec![
            b(6.0, 34.0),
            b(40.0, 52.0),
            b(60.0, 72.0),
            b(56.0, 94.0),
            b(0.0, 12.0),
            b(30.0, 42.0),
            b(80.0, 92.0),
        ];
        let got = split_stacked_lines(boxes, &img, &s);
        let ys: Vec<(f64, f64)> = got.iter().map(|b| (b.y0, b.y1)).collect();
        assert_eq!(ys.len(), 8, "{ys:?}");
        assert!(
            ys.contains(&(6.0, 19.0)) && ys.contains(&(19.0, 34.0)),
            "{ys:?}"
        );
        assert!(ys.contains(&(56.0, 94.0)), "{ys:?}");
    }

    #[test]
    fn words_break_at_spaces_and_wide_gaps() {
        let b = PxBox {
            x0: 0.0,
            y0: 0.0,
            x1: 400.0,
            y1: 23.0,
            score: 0.9,
        };
        let hit = |t: &str, x: f64| CharHit {
            text: t.to_string(),
            x,
            confidence: 0.9,
            alternatives: Vec::new(),
        };
        // `収入` then, 100 px on (over four box heights), `1,2`; then a space and `▲5`.
        let chars = vec![
            hit("収", 10.0),
            hit("入", 30.0),
            hit("1", 130.0),
            hit(",", 136.0),
            hit("2", 142.0),
            hit(" ", 150.0),
            hit("▲", 160.0),
            hit("5", 172.0),
        ];
        let words = words_of_line(&b, &chars, 7, &OcrSettings::default());
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, vec!["収入", "1,2", "▲5"]);
        // `収` is full width: its box starts half an em (10 px) left of its centre.
        assert!((words[0].left - 0.0).abs() < 1e-9);
        assert!(words.iter().all(|w| w.line == (7, 0, 0)));
    }

    #[test]
    fn resample_keeps_flat_images_flat_and_averages_when_shrinking() {
        let src = vec![100u8; 30 * 10];
        assert!(resample(&src, 30, 10, 7, 5)
            .iter()
            .all(|&v| (v - 100.0).abs() < 1e-3));
        // Alternating black/white columns shrink to gray.
        let stripes: Vec<u8> = (0..40 * 4)
            .map(|i| if i % 2 == 0 { 0 } else { 255 })
            .collect();
        let half = resample(&stripes, 40, 4, 10, 4);
        assert!(half.iter().all(|&v| (v - 127.5).abs() < 40.0), "{half:?}");
    }
}
