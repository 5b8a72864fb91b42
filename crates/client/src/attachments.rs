//! Saving a chat file the agent asked for (`Output::SaveAttachment`): downloaded with the
//! session token in `Authorization` (never in the URL) and written into the shell's downloads
//! folder under a name that cannot leave it or replace an existing file.

use std::path::{Path, PathBuf};

use headsup_protocol::AttachmentId;

/// `GET {lds_url}/api/v1/attachments/{id}`: the file's bytes.
pub(crate) async fn download(
    http: &reqwest::Client,
    lds_url: &str,
    token: &str,
    id: AttachmentId,
) -> Result<Vec<u8>, String> {
    let url = format!("{}/api/v1/attachments/{id}", lds_url.trim_end_matches('/'));
    let response = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("the LDS answered {}", response.status()));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| e.without_url().to_string())?;
    Ok(bytes.to_vec())
}

/// Writes `bytes` as `name` in `dir`: "name (2).ext" when that name is taken. Returns the path.
pub(crate) fn save(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let name = safe_name(name);
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name.as_str(), ""),
    };
    for n in 1..1000 {
        let candidate = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        // `create_new`: never replaces a file, even one that appeared since the check.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, bytes)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many files with this name"))
}

/// One path component: separators, controls and characters Windows refuses become `_`, no
/// leading dot.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_stays_in_the_folder_and_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = save(dir.path(), "../../etc/passwd", b"a").unwrap();
        assert_eq!(first, dir.path().join("_.._etc_passwd"));
        let one = save(dir.path(), "photo.png", b"1").unwrap();
        let two = save(dir.path(), "photo.png", b"2").unwrap();
        assert_eq!(one, dir.path().join("photo.png"));
        assert_eq!(two, dir.path().join("photo (2).png"));
        assert_eq!(std::fs::read(one).unwrap(), b"1");
        assert_eq!(safe_name("..."), "attachment");
    }
}
