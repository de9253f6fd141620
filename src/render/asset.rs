//! Files that are not pages: `/syntax.css`, generated from the two
//! highlighting themes, and the theme's and site's static files.

use super::Renderer;
use super::keys::KeyParts;
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;

impl Renderer<'_> {
    /// `/syntax.css`: the code colours of the light and dark themes.
    pub(super) fn syntax_css(&self) -> Vec<u8> {
        super::syntax_css(self.site).into_bytes()
    }

    /// A static file, copied as it is.
    pub(super) fn static_file(&self, i: usize) -> Result<Vec<u8>, Diagnostic> {
        self.assets[i].1.read().map(|b| b.into_owned())
    }

    /// Its path and bytes.
    pub(super) fn static_key(&self, i: usize, _parts: &KeyParts) -> u64 {
        let (path, asset) = &self.assets[i];
        let bytes = asset.read().map(|b| hash_of(&*b)).unwrap_or(0);
        hash_of((path, bytes))
    }
}
