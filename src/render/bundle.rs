//! The files of a folder briefing, published beside its page: each file
//! as it is, and the resized copies of the raster images its body shows
//! (from the site's [`Cache`](crate::raster::Cache), else resized). Each
//! renderer sits beside its key.

use std::collections::BTreeMap;

use super::keys::KeyParts;
use super::{Job, Renderer, Sink};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;

impl Renderer<'_> {
    /// The jobs of briefing `i`'s files and image copies.
    pub(super) fn bundle_jobs(&self, i: usize, jobs: &mut Vec<Job>) {
        let b = &self.site.briefings[i];
        jobs.extend((0..b.files.len()).map(|f| Job::File(i, f)));
        for (k, image) in b.body.images.iter().enumerate() {
            jobs.extend((0..image.copies.len()).map(|c| Job::Copy(i, k, c)));
        }
    }

    /// Where a file of briefing `i` goes: beside its page.
    pub(super) fn bundle_path(&self, i: usize, name: &str) -> String {
        format!("briefings/{}/{name}", self.site.briefings[i].slug)
    }

    /// File `f` beside briefing `i`, copied as it is.
    pub(super) fn bundle_file(&self, i: usize, f: usize) -> Result<Vec<u8>, Diagnostic> {
        let file = &self.site.briefings[i].files[f];
        std::fs::read(&file.abs)
            .map_err(|e| Diagnostic::error(&file.rel, format!("cannot read file: {e}")))
    }

    /// Its bytes, as parse fingerprinted them (the path is the job's).
    pub(super) fn bundle_file_key(&self, i: usize, f: usize, _parts: &KeyParts) -> u64 {
        hash_of(("file", self.site.briefings[i].files[f].hash))
    }

    /// Copy `c` of image `k` of briefing `i`. Rendering all the copies of
    /// an image together ([`Renderer::render_copies`]) decodes it once;
    /// this renders one.
    pub(super) fn image_copy(&self, i: usize, k: usize, c: usize) -> Result<Vec<u8>, Diagnostic> {
        self.copies_of(i, k, &[c]).map(|mut v| v.remove(0))
    }

    /// The image's bytes (a hash), and the copy's size and format.
    pub(super) fn image_copy_key(&self, i: usize, k: usize, c: usize, _parts: &KeyParts) -> u64 {
        let image = &self.site.briefings[i].body.images[k];
        let copy = &image.copies[c];
        hash_of((
            "copy",
            image.probe.hash,
            copy.width,
            copy.height,
            image.probe.output_format(),
        ))
    }

    fn copies_of(&self, i: usize, k: usize, wanted: &[usize]) -> Result<Vec<Vec<u8>>, Diagnostic> {
        let b = &self.site.briefings[i];
        let image = &b.body.images[k];
        let file = &b.files[image.file];
        let sizes: Vec<(u32, u32)> = wanted
            .iter()
            .map(|&c| (image.copies[c].width, image.copies[c].height))
            .collect();
        self.images
            .resized(&image.probe, &sizes, || std::fs::read(&file.abs))
            .map_err(|why| {
                Diagnostic::error(
                    &file.rel,
                    format!("cannot resize image {}: {why}", file.rel.display()),
                )
            })
    }

    /// Renders image copies (from [`split_copies`]) into `sink`, the copies
    /// of one image together so it is decoded once, one image at a time:
    /// resizing a 2000-pixel photo holds about 100 MB (the image crate
    /// resamples through 32-bit floats): a cold build of the 1,000-briefing
    /// benchmark peaked at 255 MiB with two at once, 123–158 with one
    /// (`bench/README.md`). The pages render on the other threads
    /// meanwhile. A bad image is one diagnostic naming its file.
    pub(super) fn render_copies(
        &self,
        by_image: CopiesByImage<'_>,
        sink: &dyn Sink,
    ) -> std::io::Result<Vec<Diagnostic>> {
        let mut failed = Vec::new();
        for ((i, k), copies) in by_image {
            let wanted: Vec<usize> = copies.iter().map(|(c, _)| *c).collect();
            match self.copies_of(i, k, &wanted) {
                Ok(made) => {
                    for ((_, path), bytes) in copies.iter().zip(made) {
                        sink.write(path, &bytes)?;
                    }
                }
                Err(d) => failed.push(d),
            }
        }
        Ok(failed)
    }
}

/// The image copies among `jobs`, by (briefing, image), and the other jobs.
pub(super) type CopiesByImage<'j> = BTreeMap<(usize, usize), Vec<(usize, &'j str)>>;

/// Splits `jobs` into image copies, by (briefing, image), and the rest.
pub(super) fn split_copies(jobs: &[(Job, String)]) -> (CopiesByImage<'_>, Vec<&(Job, String)>) {
    let mut by_image: CopiesByImage = BTreeMap::new();
    let mut rest = Vec::with_capacity(jobs.len());
    for planned in jobs {
        match planned.0 {
            Job::Copy(i, k, c) => by_image.entry((i, k)).or_default().push((c, &planned.1)),
            _ => rest.push(planned),
        }
    }
    (by_image, rest)
}
