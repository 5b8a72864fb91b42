//! The app's icon as a file, for notification servers that take an icon by path (the
//! freedesktop `app_icon`). No icon theme has "headsup" unless a package installed one, so the
//! icon is written out from the binary itself: it works for a packaged app and a dev build alike.

use std::path::{Path, PathBuf};

/// The 128 px icon the bundle ships (`tauri.conf.json`'s icons), embedded.
const ICON_PNG: &[u8] = include_bytes!("../../assets/128x128.png");

/// Writes the icon into `dir` (unless already there, byte for byte) and returns its absolute
/// path; `None` (logged) if it cannot be written: notifications then go without an icon.
pub fn write_into(dir: &Path) -> Option<PathBuf> {
    let path = std::path::absolute(dir.join("heads-up.png")).ok()?;
    if std::fs::read(&path).is_ok_and(|bytes| bytes == ICON_PNG) {
        return Some(path);
    }
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        // Via a temporary file, so a server reading it never sees half an icon.
        let temp = dir.join(format!(".heads-up.png.{}", std::process::id()));
        std::fs::write(&temp, ICON_PNG)?;
        std::fs::rename(&temp, &path)
    });
    match written {
        Ok(()) => Some(path),
        Err(error) => {
            tracing::warn!(%error, path = %path.display(), "writing the notification icon failed");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_is_written_once_as_a_png_with_an_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = super::write_into(&dir.path().join("icons")).expect("written");
        assert!(path.is_absolute());
        assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
        assert_eq!(super::write_into(&dir.path().join("icons")), Some(path));
    }
}
