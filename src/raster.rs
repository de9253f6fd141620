//! Images, a service of `parse` and `render`: what an image file is (its
//! format and size, read from its header), the widths a raster image is
//! published at, resizing, and the on-disk cache of resized images.
//!
//! In: an image file's bytes. Out: a [`Probe`] (cheap: the header only),
//! or resized and re-encoded copies ([`resize`]). PNG, JPEG and WebP are
//! resized; GIF and SVG are published as they are, with their size when
//! the header gives it ([`intrinsic_size`]).
//!
//! Parse probes every image a body shows, because the page's HTML carries
//! its size (`width`/`height`, `srcset`); render resizes, once per image
//! and build, reading the [`Cache`] first. Probing a 3000×2000 JPEG reads
//! its header in microseconds; decoding, resizing and encoding it takes
//! tens of milliseconds per width (see `bench/README.md`).

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// The widths a raster image is published at, never above its own.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// JPEG quality of resized copies: visually close to the source at a
/// fraction of its size.
const JPEG_QUALITY: u8 = 82;

/// The resampling filter: Lanczos3 keeps edges (text in charts, faces)
/// sharp when shrinking; see `bench/README.md` for its cost.
const FILTER: FilterType = FilterType::Lanczos3;

/// Bumped whenever resizing or encoding changes, so old cached files are
/// never served for the new settings.
const CACHE_VERSION: u32 = 3;

/// A format brief resizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Jpeg,
    WebP,
}

impl Format {
    /// The file extension of images written in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::WebP => "webp",
        }
    }
}

/// What an image file is, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Probe {
    pub format: Format,
    /// As displayed: after the EXIF orientation (a portrait photo stored
    /// sideways is taller than wide).
    pub width: u32,
    pub height: u32,
    /// True if it has an alpha channel.
    pub alpha: bool,
    /// [`crate::cache::stable_hash`] of its bytes: names its resized copies and keys
    /// the cache.
    pub hash: u128,
}

impl Probe {
    /// The format its resized copies are written in: its own, except that
    /// an opaque WebP becomes a JPEG (the image crate encodes WebP only
    /// losslessly, several times larger for a photo).
    pub fn output_format(&self) -> Format {
        match self.format {
            Format::WebP if !self.alpha => Format::Jpeg,
            f => f,
        }
    }

    /// The sizes it is resized to: each of [`WIDTHS`] below its width.
    /// The file itself serves its own width when that is at most the
    /// largest (see [`Probe::original_in_srcset`]).
    pub fn resized_sizes(&self) -> Vec<(u32, u32)> {
        WIDTHS
            .iter()
            .filter(|&&w| w < self.width)
            .map(|&w| (w, height_at(self.width, self.height, w)))
            .collect()
    }

    /// True if the file itself is one of the sizes offered: it is no
    /// wider than the largest width.
    pub fn original_in_srcset(&self) -> bool {
        self.width <= WIDTHS[WIDTHS.len() - 1]
    }
}

/// The height of an image `width`×`height` scaled to `new_width`, rounded.
pub fn height_at(width: u32, height: u32, new_width: u32) -> u32 {
    let h = (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width);
    (h as u32).max(1)
}

/// Reads the format and size of a PNG, JPEG or WebP image from its
/// header (the pixels are not decoded). The error says what is wrong,
/// without the file's name.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let format = match reader.format() {
        Some(ImageFormat::Png) => Format::Png,
        Some(ImageFormat::Jpeg) => Format::Jpeg,
        Some(ImageFormat::WebP) => Format::WebP,
        Some(other) => {
            return Err(format!(
                "it is a {other:?} image, not a PNG, JPEG or WebP one"
            ));
        }
        None => return Err("it is not a PNG, JPEG or WebP image".into()),
    };
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("it has no pixels".into());
    }
    let alpha = decoder.color_type().has_alpha();
    // An unreadable orientation is no orientation, as browsers treat it.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (width, height) = if swaps_sides(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    Ok(Probe {
        format,
        width,
        height,
        alpha,
        hash: crate::cache::stable_hash(bytes),
    })
}

fn swaps_sides(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Decodes `bytes` once (applying its EXIF orientation) and returns a copy
/// at each of `sizes`, encoded as `format`. The error says what is wrong,
/// without the file's name.
///
/// Copies are made in a cascade, each from the next larger one (1600 from
/// the source, 960 from the 1600, 480 from the 960): a third less time
/// than each from the source (`resize_costs` below). So that a copy is
/// the same bytes whichever others are asked for (a cache may hold some),
/// the cascade always runs through `chain`, every size the image is
/// resized to ([`Probe::resized_sizes`]), of which `sizes` are some.
pub fn resize(
    bytes: &[u8],
    chain: &[(u32, u32)],
    sizes: &[(u32, u32)],
    format: Format,
) -> Result<Vec<Vec<u8>>, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    // A camera's 6000-pixel photo is first shrunk by a whole factor with a
    // box filter (exact, fast, no float copy of the whole image), to no
    // less than 1.5 times the largest copy, which Lanczos then makes.
    let largest = chain.iter().map(|s| s.0).max().unwrap_or(image.width());
    let factor = image.width() / (largest + largest / 2).max(1);
    if factor >= 2 {
        let (w, h) = (image.width() / factor, image.height() / factor);
        image = image.thumbnail_exact(w.max(1), h.max(1));
    }
    let smallest = sizes.iter().map(|s| s.0).min().unwrap_or(u32::MAX);
    let mut steps: Vec<(u32, u32)> = chain.iter().copied().filter(|s| s.0 >= smallest).collect();
    steps.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out: Vec<Vec<u8>> = vec![Vec::new(); sizes.len()];
    for (w, h) in steps {
        image = image.resize_exact(w, h, FILTER);
        for (i, _) in sizes.iter().enumerate().filter(|(_, s)| **s == (w, h)) {
            out[i] = encode(&image, format)?;
        }
    }
    Ok(out)
}

fn encode(image: &DynamicImage, format: Format) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let result = match format {
        Format::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            match image {
                DynamicImage::ImageLuma8(gray) => gray.write_with_encoder(encoder),
                other => other.to_rgb8().write_with_encoder(encoder),
            }
        }
        Format::Png => image.write_with_encoder(PngEncoder::new_with_quality(
            &mut out,
            CompressionType::Default,
            PngFilter::Adaptive,
        )),
        Format::WebP => image
            .to_rgba8()
            .write_with_encoder(WebPEncoder::new_lossless(&mut out)),
    };
    result.map(|()| out).map_err(|e| e.to_string())
}

/// The size of a GIF (from its header) or an SVG (from the root element's
/// `width` and `height`, else its `viewBox`), when it says one.
pub fn intrinsic_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        let w = u16::from_le_bytes([*bytes.get(6)?, *bytes.get(7)?]);
        let h = u16::from_le_bytes([*bytes.get(8)?, *bytes.get(9)?]);
        return (w > 0 && h > 0).then_some((w.into(), h.into()));
    }
    svg_size(std::str::from_utf8(bytes.get(..bytes.len().min(4096))?).ok()?)
}

fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let length = |name: &str| -> Option<f64> {
        let v = attribute(tag, name)?;
        let v = v.trim().strip_suffix("px").unwrap_or(v.trim());
        v.parse::<f64>().ok().filter(|n| *n > 0.0)
    };
    let (w, h) = match (length("width"), length("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let view: Vec<f64> = attribute(tag, "viewBox")?
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .collect::<Result<_, _>>()
                .ok()?;
            match view.as_slice() {
                [_, _, w, h] if *w > 0.0 && *h > 0.0 => (*w, *h),
                _ => return None,
            }
        }
    };
    Some((w.round().max(1.0) as u32, h.round().max(1.0) as u32))
}

/// The value of attribute `name` in a start tag, quoted either way.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = tag[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start().strip_prefix('=')?.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let end = rest[1..].find(quote)?;
        return Some(&rest[1..1 + end]);
    }
    None
}

/// Resized images kept between runs, in a folder of the site (never in the
/// output), one file per source image, width and format, named by a hash
/// of the three: an unchanged image is never resized twice. Counts what it
/// served and what had to be made. Without a folder (or when it cannot be
/// written) every image is resized.
#[derive(Debug, Default)]
pub struct Cache {
    dir: Option<PathBuf>,
    hits: AtomicUsize,
    made: AtomicUsize,
}

/// Where a site keeps its cache, relative to its root.
pub const CACHE_DIR: &str = ".brief-cache/images";

/// How many resized images a build took from the cache, and made.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheCounts {
    pub hits: usize,
    pub made: usize,
}

impl Cache {
    /// A cache in `dir` (created on the first write), or none.
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache {
            dir,
            ..Cache::default()
        }
    }

    /// The cache of the site at `root`, without what killed builds left.
    pub fn of_site(root: &Path) -> Cache {
        let dir = root.join(CACHE_DIR);
        crate::cache::remove_stale(&dir);
        Cache::new(Some(dir))
    }

    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            made: self.made.load(Ordering::Relaxed),
        }
    }

    /// The cache file's name for `source` (a [`Probe::hash`]) at `width`.
    fn name(source: u128, width: u32, format: Format) -> String {
        let mut key = Vec::with_capacity(24);
        key.extend(CACHE_VERSION.to_le_bytes());
        key.extend(source.to_le_bytes());
        key.extend(width.to_le_bytes());
        key.push(format as u8);
        format!(
            "{:032x}.{}",
            crate::cache::stable_hash(&key),
            format.extension()
        )
    }

    /// Copies of `source` (a [`Probe`] of `bytes()`) at each of `sizes`:
    /// from the cache, or resized (decoding the source once) and cached.
    /// `bytes` is called only if something must be resized.
    pub fn resized(
        &self,
        probe: &Probe,
        sizes: &[(u32, u32)],
        bytes: impl FnOnce() -> std::io::Result<Vec<u8>>,
    ) -> Result<Vec<Vec<u8>>, String> {
        let format = probe.output_format();
        let names: Vec<String> = sizes
            .iter()
            .map(|&(w, _)| Cache::name(probe.hash, w, format))
            .collect();
        let mut found: Vec<Option<Vec<u8>>> = names.iter().map(|n| self.read(n)).collect();
        let missing: Vec<usize> = (0..sizes.len()).filter(|&i| found[i].is_none()).collect();
        self.hits
            .fetch_add(sizes.len() - missing.len(), Ordering::Relaxed);
        if !missing.is_empty() {
            let source = bytes().map_err(|e| format!("cannot read it: {e}"))?;
            let wanted: Vec<(u32, u32)> = missing.iter().map(|&i| sizes[i]).collect();
            let made = resize(&source, &probe.resized_sizes(), &wanted, format)?;
            self.made.fetch_add(made.len(), Ordering::Relaxed);
            for (i, bytes) in missing.into_iter().zip(made) {
                self.write(&names[i], &bytes);
                found[i] = Some(bytes);
            }
        }
        Ok(found.into_iter().map(Option::unwrap_or_default).collect())
    }

    fn read(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.as_ref()?.join(name)).ok()
    }

    /// Writes through a temporary file and a rename, so a killed build or
    /// a concurrent one never leaves half a file under the final name.
    /// A cache that cannot be written is no cache: nothing fails.
    fn write(&self, name: &str, bytes: &[u8]) {
        let Some(dir) = &self.dir else { return };
        if crate::cache::create(dir).is_err() {
            return;
        }
        let temp = crate::cache::temp_path(dir, name);
        if std::fs::write(&temp, bytes).is_err() || std::fs::rename(&temp, dir.join(name)).is_err()
        {
            let _ = std::fs::remove_file(&temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    #[test]
    fn probes_format_and_size_from_the_header() {
        let p = probe(&png(1200, 800)).unwrap();
        assert_eq!(
            (p.format, p.width, p.height, p.alpha),
            (Format::Png, 1200, 800, false)
        );
        assert_eq!(p.resized_sizes(), [(480, 320), (960, 640)]);
        assert!(p.original_in_srcset());
        assert!(
            probe(b"GIF89a\x01\x00\x01\x00")
                .unwrap_err()
                .contains("Gif")
        );
        assert!(probe(b"not an image").is_err());
    }

    #[test]
    fn a_huge_image_is_shrunk_first_and_still_gets_the_promised_sizes() {
        let source = png(5000, 3000);
        let p = probe(&source).unwrap();
        let chain = p.resized_sizes();
        let copies = resize(&source, &chain, &chain, Format::Png).unwrap();
        let sizes: Vec<(u32, u32)> = copies
            .iter()
            .map(|b| image::load_from_memory(b).unwrap())
            .map(|i| (i.width(), i.height()))
            .collect();
        assert_eq!(sizes, [(480, 288), (960, 576), (1600, 960)]);
    }

    #[test]
    fn never_upscales() {
        let p = probe(&png(300, 200)).unwrap();
        assert!(p.resized_sizes().is_empty());
        let big = probe(&png(2000, 1000)).unwrap();
        assert_eq!(big.resized_sizes(), [(480, 240), (960, 480), (1600, 800)]);
        assert!(!big.original_in_srcset());
    }

    #[test]
    fn resized_copies_have_the_promised_sizes() {
        let source = png(1000, 667);
        let chain = [(480, 320), (960, 640)];
        let copies = resize(&source, &chain, &chain, Format::Png).unwrap();
        let sizes: Vec<(u32, u32)> = copies
            .iter()
            .map(|b| image::load_from_memory(b).unwrap())
            .map(|i| (i.width(), i.height()))
            .collect();
        assert_eq!(sizes, [(480, 320), (960, 640)]);
        let jpeg = resize(&source, &chain, &[(480, 320)], Format::Jpeg).unwrap();
        assert_eq!(probe(&jpeg[0]).unwrap().format, Format::Jpeg);
        // The same bytes whichever other copies are made with it.
        let alone = resize(&source, &chain, &[(480, 320)], Format::Png).unwrap();
        assert_eq!(alone[0], copies[0]);
    }

    #[test]
    fn the_cache_serves_what_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let source = png(1000, 500);
        let p = probe(&source).unwrap();
        let sizes = p.resized_sizes();
        let cache = Cache::new(Some(dir.path().join(".brief-cache/images")));
        let first = cache.resized(&p, &sizes, || Ok(source.clone())).unwrap();
        assert_eq!(cache.counts(), CacheCounts { hits: 0, made: 2 });
        let again = Cache::new(Some(dir.path().join(".brief-cache/images")));
        let second = again
            .resized(&p, &sizes, || panic!("a cached image is not read"))
            .unwrap();
        assert_eq!(first, second);
        assert_eq!(again.counts(), CacheCounts { hits: 2, made: 0 });
        assert!(dir.path().join(".brief-cache/CACHEDIR.TAG").is_file());
    }

    #[test]
    fn svg_and_gif_sizes() {
        assert_eq!(
            intrinsic_size(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640px\" height='480'>"),
            Some((640, 480))
        );
        assert_eq!(
            intrinsic_size(b"<svg viewBox=\"0 0 300.4 150\" xmlns=\"http://www.w3.org/2000/svg\">"),
            Some((300, 150))
        );
        assert_eq!(intrinsic_size(b"<svg width=\"100%\">"), None);
        assert_eq!(
            intrinsic_size(b"GIF89a\x20\x00\x10\x00rest"),
            Some((32, 16))
        );
    }

    #[test]
    fn heights_round_to_the_nearest_pixel() {
        assert_eq!(height_at(1000, 667, 480), 320);
        assert_eq!(height_at(3, 1, 1), 1);
    }
}

/// What resizing costs, step by step, on a photo-sized JPEG: run with
/// `cargo test --release --lib resize_costs -- --ignored --nocapture`
/// (numbers in `bench/README.md`).
#[cfg(test)]
mod costs {
    use super::*;
    use std::time::Instant;

    #[test]
    #[ignore = "a measurement, not a test: run it in release"]
    fn resize_costs() {
        let (w, h) = (2000, 1333);
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let v = ((x * 7 + y * 13) % 251) as u8;
            image::Rgb([v, (x % 256) as u8, (y % 256) as u8])
        });
        let mut jpeg = Vec::new();
        img.write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, 85))
            .unwrap();
        let p = probe(&jpeg).unwrap();
        let sizes = p.resized_sizes();
        let time = |label: &str, f: &mut dyn FnMut()| {
            let runs = 5;
            let t = Instant::now();
            for _ in 0..runs {
                f();
            }
            eprintln!(
                "{label}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0 / runs as f64
            );
        };
        time("probe (header only)", &mut || {
            probe(&jpeg).unwrap();
        });
        let decoded = image::load_from_memory(&jpeg).unwrap();
        time("decode 2000x1333 JPEG", &mut || {
            image::load_from_memory(&jpeg).unwrap();
        });
        for (name, filter) in [
            ("Lanczos3", FilterType::Lanczos3),
            ("CatmullRom", FilterType::CatmullRom),
            ("Triangle", FilterType::Triangle),
        ] {
            time(
                &format!("resize to 1600, 960, 480 from the source, {name}"),
                &mut || {
                    for &(w, h) in &sizes {
                        std::hint::black_box(decoded.resize_exact(w, h, filter));
                    }
                },
            );
        }
        time(
            "resize in a cascade (each from the next larger), Lanczos3",
            &mut || {
                let mut from = decoded.clone();
                for &(w, h) in sizes.iter().rev() {
                    from = from.resize_exact(w, h, FilterType::Lanczos3);
                }
            },
        );
        let copies: Vec<DynamicImage> = sizes
            .iter()
            .map(|&(w, h)| decoded.resize_exact(w, h, FILTER))
            .collect();
        time("encode the three copies as JPEG", &mut || {
            for c in &copies {
                encode(c, Format::Jpeg).unwrap();
            }
        });
        time("all of resize() for the three copies", &mut || {
            resize(&jpeg, &sizes, &sizes, Format::Jpeg).unwrap();
        });
    }
}
