//! The HTTP contract as OpenAPI 3.1, built from the code and served at
//! `GET /api/v1/openapi.json` (checked in as `docs/openapi.json`; `docs/protocol.md` is the
//! readable guide).
//!
//! Two sources, so nothing is written twice: the operations (paths, credentials, statuses and
//! which error codes each status carries) are listed here with utoipa's OpenAPI model, and every
//! body's schema comes from the wire types themselves (`headsup-protocol`'s schemars derives,
//! feature `schema`), merged in as `components.schemas`. A new field in a wire type therefore
//! reaches the contract by itself; a new endpoint or status must be added below.

use std::sync::OnceLock;

use axum::response::IntoResponse;
use headsup_protocol::chat::{Message, ProviderInbound, ProviderInboundStored, ProviderReceipt};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{
    CancelResponse, LoginRequest, LoginResponse, NewRequest, NewRequestResponse,
};
use headsup_protocol::model::Session;
use headsup_protocol::ErrorCode;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Value};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    AllOfBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApiBuilder, PathsBuilder, Ref, RefOr,
    Required, ResponseBuilder, Schema,
};

use super::sim::LegUpdate;

/// Where the document is served.
pub(crate) const PATH: &str = "/api/v1/openapi.json";

/// Security scheme names (also the names schemathesis's config uses, `scripts/schemathesis.toml`).
pub(crate) const INTAKE_KEY: &str = "intakeKey";
pub(crate) const AGENT_TOKEN: &str = "agentToken";

/// `GET /api/v1/openapi.json`.
pub(crate) async fn serve() -> impl IntoResponse {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    axum::Json(DOCUMENT.get_or_init(document))
}

/// The whole OpenAPI document.
pub(crate) fn document() -> Value {
    let paths = PathsBuilder::new()
        .path("/health", get(health()))
        .path("/metrics", get(metrics()))
        .path(PATH, get(openapi()))
        .path("/api/v1/login", post(login()))
        .path("/api/v1/logout", post(logout()))
        .path("/api/v1/requests", post(intake()))
        .path("/api/v1/requests/{id}/cancel", post(cancel()))
        .path("/api/v1/sim/sessions/{session}/legs/{leg}", post(sim_leg()))
        .path(
            "/api/v1/sim/whatsapp/messages",
            post(sim_whatsapp_message()),
        )
        .path(
            "/api/v1/sim/whatsapp/receipts",
            post(sim_whatsapp_receipt()),
        )
        .path(
            "/api/v1/sim/call-cases/{case}/voicemail",
            post(sim_voicemail()),
        )
        .path("/api/v1/call-cases/{case}/voicemail", get(voicemail()))
        .path("/api/v1/agent/ws", get(websocket()))
        .build();
    let components = ComponentsBuilder::new()
        .security_scheme(
            INTAKE_KEY,
            bearer(
                "The team's intake key (`lds team add` prints it once). Held by the website widget \
                 or telephony system that creates the team's requests.",
            ),
        )
        .security_scheme(
            AGENT_TOKEN,
            bearer("An agent's session token, from `POST /api/v1/login`."),
        )
        .build();
    let doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Heads-Up Lead Distribution System (LDS)")
                .version(format!("1 (lds {})", env!("CARGO_PKG_VERSION")))
                .description(Some(
                    "HTTP surface of the LDS. The readable guide, with the WebSocket protocol, is \
                     docs/protocol.md; the WebSocket frames' JSON Schemas are \
                     docs/schema/client-frame.json and docs/schema/server-frame.json. Every error \
                     answer has the body `ErrorBody` (`{\"error\":{\"code\",\"message\"}}`); \
                     clients match on `code`, never on `message`. Credentials travel only in \
                     `Authorization: Bearer`, never in a URL.",
                ))
                .build(),
        )
        .paths(paths)
        .components(Some(components))
        .tags(Some([
            tag("ops", "Liveness, metrics and this document."),
            tag("agents", "Agents' sign-in and WebSocket."),
            tag(
                "intake",
                "Customer requests, for websites and telephony (team intake key).",
            ),
            tag(
                "telephony",
                "The simulated telephone network (team intake key).",
            ),
            tag(
                "whatsapp",
                "The simulated WhatsApp provider's webhooks (team intake key).",
            ),
        ]))
        .build();
    let mut value = serde_json::to_value(doc).expect("an OpenAPI document serializes");
    value["components"]["schemas"] = Value::Object(body_schemas());
    value
}

/// The schemas of every body, from the wire types, under `#/components/schemas/`. The
/// deserializing side's view: what the LDS accepts in requests, and what a client must accept
/// in answers.
fn body_schemas() -> serde_json::Map<String, Value> {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    add::<LoginRequest>(&mut generator);
    add::<LoginResponse>(&mut generator);
    add::<NewRequest>(&mut generator);
    add::<NewRequestResponse>(&mut generator);
    add::<CancelResponse>(&mut generator);
    add::<LegUpdate>(&mut generator);
    add::<Session>(&mut generator);
    add::<ProviderInbound>(&mut generator);
    add::<ProviderInboundStored>(&mut generator);
    add::<ProviderReceipt>(&mut generator);
    add::<Message>(&mut generator);
    add::<ErrorBody>(&mut generator);
    add::<ErrorCode>(&mut generator);
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "Health".into(),
        json!({
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "ok"}},
        }),
    );
    schemas
}

/// Adds `T`, and every type it refers to, as named components.
fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
    generator.subschema_for::<T>();
}

// ---------------------------------------------------------------------------------------------
// The operations

fn health() -> OperationBuilder {
    operation(
        "health",
        "ops",
        "Liveness; also commits a one-page write, so a full disk shows here.",
    )
    .response(
        "200",
        json_response("The server can read and write its database.", "Health"),
    )
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn metrics() -> OperationBuilder {
    operation(
        "metrics",
        "ops",
        "Prometheus text exposition: counters and gauges, prefix `lds_`.",
    )
    .response(
        "200",
        ResponseBuilder::new()
            .description("Prometheus text format 0.0.4.")
            .content(
                "text/plain",
                ContentBuilder::new()
                    .schema(Some(typed(Type::String)))
                    .build(),
            ),
    )
}

fn openapi() -> OperationBuilder {
    operation("openapi", "ops", "This document (OpenAPI 3.1).").response(
        "200",
        ResponseBuilder::new()
            .description("The OpenAPI document.")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(typed(Type::Object)))
                    .build(),
            ),
    )
}

fn login() -> OperationBuilder {
    operation(
        "login",
        "agents",
        "Sign an agent in. Rate-limited per account and per client address (sliding minute, \
         counted in the database). Tokens expire after `--token-ttl-hours` (12).",
    )
    .request_body(Some(json_body("LoginRequest")))
    .response("200", json_response("Signed in.", "LoginResponse"))
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("401", error(&[ErrorCode::InvalidCredentials]))
    .response("413", error(&[ErrorCode::TooLarge]))
    .response("429", rate_limited())
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn logout() -> OperationBuilder {
    operation(
        "logout",
        "agents",
        "Revoke the bearer token; every WebSocket opened with it gets `token_revoked` and closes.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        AGENT_TOKEN,
        [],
    ))
    .response(
        "204",
        ResponseBuilder::new().description("Revoked; no body."),
    )
    .response(
        "401",
        error(&[
            ErrorCode::Unauthorized,
            ErrorCode::TokenExpired,
            ErrorCode::TokenRevoked,
        ]),
    )
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn intake() -> OperationBuilder {
    operation(
        "createRequest",
        "intake",
        "Customer intake: a website widget or telephony system creates a request for its team. \
         A refused intake writes nothing.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .parameter(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Optional. A client-chosen key for this intake: the same key again within a \
                 day answers the first answer again instead of creating a second request (a \
                 widget retrying after a lost answer); the same key with another body is `422 \
                 idempotency_key_reused`. 1 to 255 visible ASCII characters. See \
                 docs/protocol.md, \"Retrying an intake\".",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255)),
            )),
    )
    .request_body(Some(json_body("NewRequest")))
    .response(
        "201",
        json_response(
            "Created; offered or scheduled as its kind says.",
            "NewRequestResponse",
        )
        .link(
            "cancel",
            LinkBuilder::new()
                .operation_id("cancelRequest")
                .parameter("id", "$response.body#/request/id")
                .description("Withdraw the request just created.")
                .build(),
        ),
    )
    .response(
        "400",
        error(&[
            ErrorCode::BadRequest,
            ErrorCode::InvalidPhone,
            ErrorCode::InvalidDueAt,
            ErrorCode::InvalidIdempotencyKey,
        ]),
    )
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("413", error(&[ErrorCode::TooLarge]))
    .response(
        "422",
        error(&[
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::UnknownQueue,
            ErrorCode::ChannelNotServed,
        ]),
    )
    .response("429", rate_limited())
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn cancel() -> OperationBuilder {
    operation(
        "cancelRequest",
        "intake",
        "The customer gave up: withdraw a pending or scheduled request (no body). Cancelling a \
         cancelled request answers 200 again and writes nothing.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .parameter(path_integer("id", "The request's id."))
    .response(
        "200",
        json_response("The request, now `cancelled`.", "CancelResponse"),
    )
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("404", error(&[ErrorCode::NotFound]))
    .response(
        "409",
        error(&[ErrorCode::AlreadyTaken, ErrorCode::NotPending]),
    )
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn sim_leg() -> OperationBuilder {
    operation(
        "simulateLeg",
        "telephony",
        "Simulated telephony: a call leg answered, failed or hung up. Both legs answered bridge \
         the session; a leg that fails or hangs up ends it.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .parameter(path_integer("session", "The session's id."))
    .parameter(
        ParameterBuilder::new()
            .name("leg")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("Which leg."))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["agent", "customer"])),
            )),
    )
    .request_body(Some(json_body("LegUpdate")))
    .response("200", json_response("The session as it now is.", "Session"))
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("404", error(&[ErrorCode::NotFound]))
    .response("409", error(&[ErrorCode::NotPending]))
    .response("413", error(&[ErrorCode::TooLarge]))
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn sim_whatsapp_message() -> OperationBuilder {
    operation(
        "simulateWhatsAppMessage",
        "whatsapp",
        "The fake WhatsApp provider delivers a customer's message from their phone. A new phone \
         starts a chat request on the key's queue, offered like a web chat; a known phone's \
         message joins its conversation (reopening it if closed). The same provider id again \
         is stored once (`repeated: true`).",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .request_body(Some(json_body("ProviderInbound")))
    .response(
        "200",
        json_response("Where the message is stored.", "ProviderInboundStored"),
    )
    .response(
        "400",
        error(&[
            ErrorCode::BadRequest,
            ErrorCode::InvalidPhone,
            ErrorCode::InvalidMessage,
        ]),
    )
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("413", error(&[ErrorCode::TooLarge]))
    .response("422", error(&[ErrorCode::ChannelNotServed]))
    .response("429", rate_limited())
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn sim_whatsapp_receipt() -> OperationBuilder {
    operation(
        "simulateWhatsAppReceipt",
        "whatsapp",
        "The fake WhatsApp provider's receipt for an agent's message: delivered, read, or \
         failed (with a reason; only before delivery). States only move forward: a late or \
         repeated receipt answers the message as it is and changes nothing.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .request_body(Some(json_body("ProviderReceipt")))
    .response("200", json_response("The message as it now is.", "Message"))
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("404", error(&[ErrorCode::NotFound]))
    .response("413", error(&[ErrorCode::TooLarge]))
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn sim_voicemail() -> OperationBuilder {
    operation(
        "simulateVoicemail",
        "telephony",
        "Simulated telephony: the customer of a call case leaves a voicemail. The recording is a \
         WAV file spoken by espeak-ng when the server's machine has it, else a generated tone. \
         It replaces an earlier one of the case.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        INTAKE_KEY,
        [],
    ))
    .parameter(path_integer("case", "The call case's id."))
    .response(
        "204",
        ResponseBuilder::new().description("Stored; no body."),
    )
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("401", error(&[ErrorCode::InvalidIntakeKey]))
    .response("404", error(&[ErrorCode::NotFound]))
    .response("500", error(&[ErrorCode::Internal]))
    .response("503", unavailable(&[ErrorCode::StorageUnavailable]))
}

fn voicemail() -> OperationBuilder {
    operation(
        "callCaseVoicemail",
        "agents",
        "A call case's voicemail, for an agent who may work the case; a case of a list they may \
         not work is `not_found`, as one without a voicemail.",
    )
    .security(SecurityRequirement::new::<_, [&str; 0], &str>(
        AGENT_TOKEN,
        [],
    ))
    .parameter(path_integer("case", "The call case's id."))
    .response(
        "200",
        ResponseBuilder::new()
            .description("The recording; its `Content-Type` says its format (`audio/wav`)."),
    )
    .response("400", error(&[ErrorCode::BadRequest]))
    .response(
        "401",
        error(&[
            ErrorCode::Unauthorized,
            ErrorCode::TokenExpired,
            ErrorCode::TokenRevoked,
        ]),
    )
    .response("404", error(&[ErrorCode::NotFound]))
    .response("500", error(&[ErrorCode::Internal]))
}

fn websocket() -> OperationBuilder {
    let header = |name: &str, description: &str, required: bool| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(if required {
                Required::True
            } else {
                Required::False
            })
            .description(Some(description))
            .schema(Some(typed(Type::String)))
    };
    operation(
        "agentWebSocket",
        "agents",
        "The agent's WebSocket (RFC 6455): a GET that upgrades. No credential here: the token \
         travels in the first frame (`hello`). Frames: docs/schema/client-frame.json (agent to \
         LDS) and docs/schema/server-frame.json (LDS to agent); the protocol is \
         docs/protocol.md section 2.",
    )
    .parameter(header("Upgrade", "`websocket`.", true))
    .parameter(header("Connection", "Contains `upgrade`.", true))
    .parameter(header("Sec-WebSocket-Version", "`13`.", true))
    .parameter(header("Sec-WebSocket-Key", "RFC 6455's nonce.", true))
    .parameter(header(
        "Origin",
        "Browsers' origin; when present it must be on the allowlist (`--allow-origin`). Native \
         clients send none.",
        false,
    ))
    .response(
        "101",
        ResponseBuilder::new()
            .description("Switching Protocols: the socket is open; send `hello`."),
    )
    .response("400", error(&[ErrorCode::BadRequest]))
    .response("403", error(&[ErrorCode::OriginNotAllowed]))
}

// ---------------------------------------------------------------------------------------------
// Building blocks

fn get(operation: OperationBuilder) -> PathItem {
    PathItem::new(HttpMethod::Get, operation.build())
}

fn post(operation: OperationBuilder) -> PathItem {
    PathItem::new(HttpMethod::Post, operation.build())
}

fn operation(id: &str, tag: &str, description: &str) -> OperationBuilder {
    OperationBuilder::new()
        .operation_id(Some(id))
        .tag(tag)
        .description(Some(description))
}

fn tag(name: &str, description: &str) -> utoipa::openapi::tag::Tag {
    TagBuilder::new()
        .name(name)
        .description(Some(description))
        .build()
}

fn bearer(description: &str) -> SecurityScheme {
    SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(description))
            .build(),
    )
}

fn typed(schema_type: Type) -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(schema_type))
        .build()
        .into()
}

fn path_integer(name: &str, description: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        ))
}

fn json_body(schema: &str) -> utoipa::openapi::request_body::RequestBody {
    RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build(),
        )
        .build()
}

fn json_response(description: &str, schema: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(schema)))
            .build(),
    )
}

/// An error answer: `ErrorBody` whose `code` is one of `codes` (those this status carries here).
fn error(codes: &[ErrorCode]) -> ResponseBuilder {
    let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    let narrowed = ObjectBuilder::new().property(
        "error",
        ObjectBuilder::new().property(
            "code",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(names.clone())),
        ),
    );
    let schema: RefOr<Schema> = Schema::AllOf(
        AllOfBuilder::new()
            .item(Ref::from_schema_name("ErrorBody"))
            .item(narrowed)
            .build(),
    )
    .into();
    ResponseBuilder::new()
        .description(format!("`{}`.", names.join("`, `")))
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
}

fn rate_limited() -> ResponseBuilder {
    with_retry_after(error(&[ErrorCode::RateLimited]))
}

/// `503`: the server cannot take this now (its disk is full); `Retry-After` says when to retry.
/// (`too_many_connections` is answered before any request is read, so it belongs to no
/// operation: see docs/protocol.md, "Connections".)
fn unavailable(codes: &[ErrorCode]) -> ResponseBuilder {
    with_retry_after(error(codes))
}

fn with_retry_after(response: ResponseBuilder) -> ResponseBuilder {
    response.header(
        "Retry-After",
        HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ))
            .description(Some("Seconds to wait before trying again."))
            .build(),
    )
}
