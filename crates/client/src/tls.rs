//! The one TLS configuration the driver uses for both https:// (login) and wss:// (the agent
//! socket): rustls with the webpki roots, plus, for a self-hosted LDS behind a private CA, the
//! extra root certificates of a PEM file named in [`crate::AgentConfig::extra_root_pem`].
//!
//! The crypto provider is named here (ring, the one reqwest's `rustls-tls` already builds) rather
//! than taken from rustls's process-wide default, so nothing depends on which crate installed a
//! default first, and no second provider is compiled.

use std::path::Path;
use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// Why the TLS configuration could not be built. Shown to the agent as the reason sign-in and
/// connecting fail, so it names the file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the extra root certificate {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("the extra root certificate file {path} holds no usable certificate{reason}")]
    NoCertificate { path: String, reason: String },
    #[error("TLS setup: {0}")]
    Rustls(String),
}

/// rustls's client configuration trusting the public web roots and, if given, every certificate
/// of the PEM file at `extra_root_pem`.
pub fn client_config(extra_root_pem: Option<&Path>) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = extra_root_pem {
        add_pem_roots(&mut roots, path)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Rustls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn add_pem_roots(roots: &mut RootCertStore, path: &Path) -> Result<(), TlsError> {
    let shown = path.display().to_string();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| TlsError::Unreadable {
            path: shown.clone(),
            reason: e.to_string(),
        })?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Unreadable {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    let (added, ignored) = roots.add_parsable_certificates(certs);
    if added == 0 {
        let reason = if ignored > 0 {
            format!(" ({ignored} could not be parsed)")
        } else {
            String::new()
        };
        return Err(TlsError::NoCertificate {
            path: shown,
            reason,
        });
    }
    if ignored > 0 {
        tracing::warn!(path = %shown, ignored, "some certificates in the extra root file were ignored");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_roots_alone_build() {
        client_config(None).unwrap();
    }

    #[test]
    fn a_missing_or_empty_root_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let e = client_config(Some(&missing)).unwrap_err();
        assert!(e.to_string().contains("nope.pem"), "{e}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificate in here\n").unwrap();
        let e = client_config(Some(&empty)).unwrap_err();
        assert!(matches!(e, TlsError::NoCertificate { .. }), "{e}");
    }

    #[test]
    fn a_generated_ca_is_accepted_as_an_extra_root() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca.pem()).unwrap();
        client_config(Some(&path)).unwrap();
    }
}
