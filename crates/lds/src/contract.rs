//! The machine-readable contract, generated from the code: the HTTP API as OpenAPI 3.1
//! (`docs/openapi.json`, also served at `GET /api/v1/openapi.json`) and the WebSocket frames as
//! JSON Schema 2020-12 (`docs/schema/client-frame.json`, `docs/schema/server-frame.json`).
//! `lds schema --out docs` writes them; a test fails when the checked-in copies differ.

use std::path::Path;

use anyhow::{Context, Result};
use headsup_protocol::lds::{ClientFrame, ServerFrame};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;

/// What the client sends: the schema of what the LDS accepts.
pub(crate) fn client_frame_schema() -> Value {
    frame_schema::<ClientFrame>(
        SchemaSettings::draft2020_12().for_deserialize(),
        "client-frame.json",
        "A frame an agent's device sends to the LDS over the agent WebSocket (one JSON text \
         message). The first must be `hello`. See docs/protocol.md section 2.",
    )
}

/// What the LDS sends: the schema of what it produces.
pub(crate) fn server_frame_schema() -> Value {
    frame_schema::<ServerFrame>(
        SchemaSettings::draft2020_12().for_serialize(),
        "server-frame.json",
        "A frame the LDS sends to an agent's device over the agent WebSocket (one JSON text \
         message). Clients must ignore fields they do not know. See docs/protocol.md section 2.",
    )
}

fn frame_schema<T: JsonSchema>(settings: SchemaSettings, id: &str, description: &str) -> Value {
    let mut schema = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    schema["$id"] = Value::String(id.into());
    schema["description"] = Value::String(description.into());
    schema
}

/// The OpenAPI document, as `GET /api/v1/openapi.json` serves it.
pub fn openapi() -> Value {
    crate::http::openapi::document()
}

/// Every generated file: its path under `docs/` and its contents.
pub fn files() -> Vec<(&'static str, String)> {
    [
        ("openapi.json", openapi()),
        ("schema/client-frame.json", client_frame_schema()),
        ("schema/server-frame.json", server_frame_schema()),
    ]
    .into_iter()
    .map(|(path, value)| (path, pretty(&value)))
    .collect()
}

/// Writes every generated file under `dir` (the repository's `docs/`).
pub fn write(dir: &Path) -> Result<()> {
    for (path, contents) in files() {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON serializes");
    text.push('\n');
    text
}
