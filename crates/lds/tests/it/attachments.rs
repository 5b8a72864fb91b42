//! Chat attachments: one file per message, up to 15 MB, typed by its bytes, uploaded and
//! downloaded by the conversation's customer and its agents only, a note's file never reaching
//! the customer.

use headsup_protocol::chat::{
    Attachment, ChatStarted, CustomerFrame, CustomerMessage, CustomerServerFrame, Message,
    MAX_ATTACHMENT_BYTES,
};
use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Event, Reply, ServerFrame};
use headsup_protocol::{AttachmentId, ConversationId, ErrorCode};
use headsup_testkit::lds::customer::started;
use headsup_testkit::lds::{http, AgentConn, CustomerConn, TestServer};

use crate::chats::{accepted, chat_desk};

/// A 1×1 PNG.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\
\0\0\0\rIDATx\x9cc\xf8\x0f\x04\0\x09\xfb\x03\xfd\xe3U\xf2\x9c\0\0\0\0IEND\xaeB`\x82";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A team whose queue takes chats, Ana signed in and serving María's chat.
struct Chat {
    s: TestServer,
    ana: AgentConn,
    ana_token: String,
    conversation: ConversationId,
    customer_token: String,
    customer: CustomerConn,
    /// The team's intake key, for other customers.
    key: String,
}

async fn chat() -> Chat {
    let s = TestServer::start().await;
    let key = chat_desk(&s).await;
    let (_, ana_token) = s.agent("Desk", "Ana Pérez").await;
    let mut ana = s.connect(&ana_token, None).await;
    let ChatStarted {
        token,
        conversation,
    } = started(&s.base, &key, "María", Some("Hola")).await;
    let (_, id) = accepted(&mut ana).await;
    assert_eq!(id, conversation);
    let mut customer = CustomerConn::connect(&s.base, &token, None).await.unwrap();
    customer
        .wait(|f| matches!(f, CustomerServerFrame::Welcome { .. }))
        .await
        .unwrap();
    Chat {
        s,
        ana,
        ana_token,
        conversation,
        customer_token: token,
        customer,
        key,
    }
}

async fn upload(
    url: String,
    token: Option<&str>,
    content_type: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut request = http()
        .post(url)
        .header("content-type", content_type)
        .header("attachment-name", encode(name))
        .body(bytes);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the LDS answers")
}

/// As a browser's `encodeURIComponent`, enough for the names used here.
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Chat {
    async fn agent_upload(
        &self,
        token: &str,
        ty: &str,
        name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let url = format!(
            "{}/api/v1/conversations/{}/attachments",
            self.s.base, self.conversation
        );
        upload(url, Some(token), ty, name, bytes.to_vec()).await
    }

    async fn customer_upload(&self, ty: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
        let url = format!("{}/api/v1/chat/attachments", self.s.base);
        upload(url, Some(&self.customer_token), ty, name, bytes.to_vec()).await
    }

    async fn stored_count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.s.store().db().pool)
            .await
            .unwrap();
        n
    }
}

async fn created(resp: reqwest::Response) -> Attachment {
    assert_eq!(resp.status(), 201, "uploaded");
    resp.json().await.expect("an Attachment body")
}

async fn error_body(resp: reqwest::Response) -> (u16, ErrorCode) {
    let status = resp.status().as_u16();
    let body: ErrorBody = resp.json().await.expect("JSON error body");
    (status, body.error.code)
}

async fn agent_get(s: &TestServer, token: &str, id: AttachmentId) -> reqwest::Response {
    http()
        .get(format!("{}/api/v1/attachments/{id}", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn customer_get(s: &TestServer, token: &str, id: AttachmentId) -> reqwest::Response {
    http()
        .get(format!("{}/api/v1/chat/attachments/{id}", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn send_with(
    ana: &mut AgentConn,
    conversation: ConversationId,
    client_id: &str,
    body: &str,
    note: bool,
    attachment: AttachmentId,
) -> ServerFrame {
    ana.command(|cid| ClientFrame::SendMessage {
        cid,
        conversation,
        client_id: client_id.into(),
        body: body.into(),
        note,
        attachment: Some(attachment),
    })
    .await
    .unwrap()
}

fn stored(frame: ServerFrame) -> Message {
    match frame {
        ServerFrame::Reply(Reply {
            message: Some(m), ..
        }) => *m,
        other => panic!("not stored: {other:?}"),
    }
}

async fn customer_sees(c: &mut CustomerConn, body: &str) -> CustomerMessage {
    match c
        .wait(|f| matches!(f, CustomerServerFrame::Message { message } if message.body == body))
        .await
        .unwrap()
    {
        CustomerServerFrame::Message { message } => message,
        _ => unreachable!(),
    }
}

/// Checks a download: the bytes, and headers that keep it from ever running as a page.
async fn downloaded(resp: reqwest::Response, content_type: &str, bytes: &[u8]) {
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], content_type);
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let policy = h["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("sandbox") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    assert_eq!(&resp.bytes().await.unwrap()[..], bytes);
}

#[tokio::test]
async fn agent_and_customer_send_files_and_both_download_them() {
    let mut c = chat().await;

    // The customer's photo, sent with an empty text.
    let photo = created(c.customer_upload("image/png", "photo.png", PNG).await).await;
    assert_eq!(photo.content_type, "image/png");
    assert_eq!(photo.size, PNG.len() as u64);
    c.customer
        .send(&CustomerFrame::Send {
            client_id: "c-photo".into(),
            body: String::new(),
            attachment: Some(photo.id),
        })
        .await
        .unwrap();
    let event = c
        .ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.client_id == "c-photo"))
        .await
        .unwrap();
    let Event::Message { message } = event else {
        unreachable!()
    };
    assert_eq!(message.attachment.as_ref(), Some(&photo));
    downloaded(
        agent_get(&c.s, &c.ana_token, photo.id).await,
        "image/png",
        PNG,
    )
    .await;
    downloaded(
        customer_get(&c.s, &c.customer_token, photo.id).await,
        "image/png",
        PNG,
    )
    .await;

    // Ana's invoice, with a caption.
    let invoice = created(
        c.agent_upload(&c.ana_token, "application/pdf", "invoice.pdf", PDF)
            .await,
    )
    .await;
    let sent = stored(
        send_with(
            &mut c.ana,
            c.conversation,
            "a-1",
            "Your invoice",
            false,
            invoice.id,
        )
        .await,
    );
    assert_eq!(sent.attachment.as_ref(), Some(&invoice));
    let seen = customer_sees(&mut c.customer, "Your invoice").await;
    assert_eq!(seen.attachment.as_ref(), Some(&invoice));
    downloaded(
        customer_get(&c.s, &c.customer_token, invoice.id).await,
        "application/pdf",
        PDF,
    )
    .await;

    // Plain text is served as UTF-8 text, never as a page.
    let notes = created(
        c.customer_upload("text/plain", "notes.txt", "¿Dónde está?\n".as_bytes())
            .await,
    )
    .await;
    downloaded(
        customer_get(&c.s, &c.customer_token, notes.id).await,
        "text/plain; charset=utf-8",
        "¿Dónde está?\n".as_bytes(),
    )
    .await;
}

#[tokio::test]
async fn strangers_and_other_customers_are_refused() {
    let mut c = chat().await;
    let photo = created(c.customer_upload("image/png", "photo.png", PNG).await).await;
    c.customer
        .send(&CustomerFrame::Send {
            client_id: "c-photo".into(),
            body: "look".into(),
            attachment: Some(photo.id),
        })
        .await
        .unwrap();
    let pending = created(
        c.agent_upload(&c.ana_token, "image/png", "draft.png", PNG)
            .await,
    )
    .await;

    // A colleague who never had the chat, and an agent of another team.
    let (_, bo) = c.s.agent("Desk", "Bo").await;
    c.s.team("Other", 3600).await;
    let (_, eve) = c.s.agent("Other", "Eve").await;
    for token in [&bo, &eve] {
        for id in [photo.id, pending.id] {
            assert_eq!(
                error_body(agent_get(&c.s, token, id).await).await,
                (404, ErrorCode::NotFound)
            );
        }
        let resp = c.agent_upload(token, "image/png", "x.png", PNG).await;
        assert_eq!(error_body(resp).await, (404, ErrorCode::NotFound));
    }
    // Nobody signed in, or a bad token.
    let anonymous = http()
        .get(format!("{}/api/v1/attachments/{}", c.s.base, photo.id))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        error_body(agent_get(&c.s, "not-a-token", photo.id).await)
            .await
            .0,
        401
    );

    // Another customer of the same team.
    let other = started(&c.s.base, &c.key, "Pat", Some("hi")).await;
    assert_eq!(
        error_body(customer_get(&c.s, &other.token, photo.id).await).await,
        (404, ErrorCode::NotFound)
    );
    assert_eq!(
        error_body(customer_get(&c.s, "chat_forged", photo.id).await).await,
        (401, ErrorCode::InvalidChatToken)
    );
    // Nor may the other customer send it as theirs.
    let mut pat = CustomerConn::connect(&c.s.base, &other.token, None)
        .await
        .unwrap();
    pat.send(&CustomerFrame::Send {
        client_id: "p-1".into(),
        body: String::new(),
        attachment: Some(photo.id),
    })
    .await
    .unwrap();
    let refused = pat
        .wait(|f| matches!(f, CustomerServerFrame::Error { .. }))
        .await
        .unwrap();
    assert!(
        matches!(
            refused,
            CustomerServerFrame::Error {
                code: ErrorCode::NotFound,
                ..
            }
        ),
        "{refused:?}"
    );

    // The customer does not see Ana's file before she sends it; Ana cannot send the customer's.
    assert_eq!(
        error_body(customer_get(&c.s, &c.customer_token, pending.id).await).await,
        (404, ErrorCode::NotFound)
    );
    let frame = send_with(&mut c.ana, c.conversation, "a-steal", "", false, photo.id).await;
    assert!(
        matches!(
            frame,
            ServerFrame::Error(ErrorFrame {
                code: ErrorCode::NotFound,
                ..
            })
        ),
        "{frame:?}"
    );
}

#[tokio::test]
async fn a_file_over_15_mb_is_refused_and_nothing_is_stored() {
    let c = chat().await;
    let mut big = PNG.to_vec();
    big.resize(MAX_ATTACHMENT_BYTES + 1, 0);
    let resp = c.customer_upload("image/png", "huge.png", &big).await;
    assert_eq!(error_body(resp).await, (413, ErrorCode::AttachmentTooLarge));
    let resp = c
        .agent_upload(&c.ana_token, "image/png", "huge.png", &big)
        .await;
    assert_eq!(error_body(resp).await, (413, ErrorCode::AttachmentTooLarge));
    assert_eq!(c.stored_count("attachments").await, 0);
    assert_eq!(c.stored_count("attachment_bytes").await, 0);

    // Exactly the limit is taken.
    big.truncate(MAX_ATTACHMENT_BYTES);
    let at_limit = created(c.customer_upload("image/png", "big.png", &big).await).await;
    assert_eq!(at_limit.size, MAX_ATTACHMENT_BYTES as u64);
}

#[tokio::test]
async fn disguised_programs_and_pages_are_refused() {
    let c = chat().await;
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0".to_vec();
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    for (ty, name, bytes) in [
        ("image/png", "cat.png", exe.clone()),
        ("application/octet-stream", "setup.exe", exe),
        ("text/plain", "notes.txt", html.clone()),
        ("text/html", "page.html", html),
        ("image/svg+xml", "logo.svg", svg),
        // A real PNG sent as something else.
        ("application/pdf", "invoice.pdf", PNG.to_vec()),
    ] {
        let resp = c.customer_upload(ty, name, &bytes).await;
        assert_eq!(
            error_body(resp).await,
            (415, ErrorCode::AttachmentTypeRefused),
            "{name} as {ty}"
        );
    }
    assert_eq!(c.stored_count("attachments").await, 0);
}

#[tokio::test]
async fn a_hostile_name_is_cleaned() {
    let c = chat().await;
    let hostile = "../../etc/\u{202E}gnp.exe\u{7}\u{200B} \r\n photo.png";
    let file = created(c.customer_upload("image/png", hostile, PNG).await).await;
    assert_eq!(file.name, "gnp.exe photo.png");
    let long = format!("{}.png", "a".repeat(1000));
    let file = created(c.customer_upload("image/png", &long, PNG).await).await;
    assert_eq!(file.name.chars().count(), 120);
    assert!(file.name.ends_with(".png"));
    // The quote cannot end the header's file name early.
    let quoted = created(c.customer_upload("image/png", "a\";x=.png", PNG).await).await;
    let resp = customer_get(&c.s, &c.customer_token, quoted.id).await;
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"a_;x=.png\"; filename*=UTF-8''a%22"),
        "{disposition}"
    );
}

#[tokio::test]
async fn a_resent_message_with_its_file_is_stored_once() {
    let mut c = chat().await;
    let photo = created(c.customer_upload("image/png", "photo.png", PNG).await).await;
    for _ in 0..2 {
        c.customer
            .send(&CustomerFrame::Send {
                client_id: "c-photo".into(),
                body: "again".into(),
                attachment: Some(photo.id),
            })
            .await
            .unwrap();
    }
    c.ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.client_id == "c-photo"))
        .await
        .unwrap();
    let invoice = created(
        c.agent_upload(&c.ana_token, "application/pdf", "invoice.pdf", PDF)
            .await,
    )
    .await;
    let first = stored(send_with(&mut c.ana, c.conversation, "a-1", "", false, invoice.id).await);
    let again = stored(send_with(&mut c.ana, c.conversation, "a-1", "", false, invoice.id).await);
    assert_eq!(first.id, again.id, "the resend is the message stored first");
    // Once a later message is in, the customer's second send has been answered too (one
    // socket, read in order).
    c.customer.write("c-later", "thanks").await.unwrap();
    c.ana
        .wait_event(|e| matches!(e, Event::Message { message } if message.client_id == "c-later"))
        .await
        .unwrap();
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM messages WHERE attachment_id IS NOT NULL")
            .fetch_one(&c.s.store().db().pool)
            .await
            .unwrap();
    assert_eq!(n, 2, "one message per file");
    let seen = customer_sees(&mut c.customer, "again").await;
    assert_eq!(seen.attachment.map(|a| a.id), Some(photo.id));
}

#[tokio::test]
async fn a_notes_file_never_reaches_the_customer() {
    let mut c = chat().await;
    let secret = created(
        c.agent_upload(
            &c.ana_token,
            "text/plain",
            "internal.txt",
            b"VIP, refund ok",
        )
        .await,
    )
    .await;
    let note = stored(
        send_with(
            &mut c.ana,
            c.conversation,
            "n-1",
            "for colleagues",
            true,
            secret.id,
        )
        .await,
    );
    assert_eq!(note.attachment.as_ref(), Some(&secret));
    // A message after the note: once the customer has it, they have been told all before it.
    let after = created(
        c.agent_upload(&c.ana_token, "image/png", "map.png", PNG)
            .await,
    )
    .await;
    stored(
        send_with(
            &mut c.ana,
            c.conversation,
            "a-2",
            "Here is the map",
            false,
            after.id,
        )
        .await,
    );
    customer_sees(&mut c.customer, "Here is the map").await;
    // A fresh widget reads the whole conversation from the start.
    let mut fresh = CustomerConn::connect(&c.s.base, &c.customer_token, None)
        .await
        .unwrap();
    customer_sees(&mut fresh, "Here is the map").await;
    for conn in [&c.customer, &fresh] {
        let everything = conn.received.join("\n");
        assert!(!everything.contains("internal.txt"), "{everything}");
        assert!(!everything.contains("for colleagues"));
    }
    assert_eq!(
        error_body(customer_get(&c.s, &c.customer_token, secret.id).await).await,
        (404, ErrorCode::NotFound)
    );
    // Ana's colleagues read it like the note.
    downloaded(
        agent_get(&c.s, &c.ana_token, secret.id).await,
        "text/plain; charset=utf-8",
        b"VIP, refund ok",
    )
    .await;
}
