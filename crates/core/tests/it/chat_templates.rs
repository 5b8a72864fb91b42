//! The template composer and tags of the Chats desk: once a conversation's free-text window is
//! over (by the core's clock, while it is on screen) the composer offers the team's templates
//! and says why; a picked template goes out as `send_template`; tags go to the LDS as typed and
//! show as the LDS says.

use crate::chats::{chats, conv, converse, open, signed_in};
use crate::support::*;
use chrono::Duration;
use headsup_core::Output;
use headsup_protocol::chat::{Channel, MessageTemplate};
use headsup_protocol::lds::{ClientFrame, ErrorFrame, Reply, ServerFrame};
use headsup_protocol::view::{ChatTick, Intent, TemplateChoice};
use headsup_protocol::{ConversationId, ErrorCode};

fn templates_cid(out: &[Output]) -> Option<u64> {
    sent(out).iter().find_map(|f| match f {
        ClientFrame::Templates { cid, .. } => Some(*cid),
        _ => None,
    })
}

/// A WhatsApp conversation with Bea whose window closes in five minutes, open on screen, the
/// team's one template read.
fn whatsapp_on_screen(h: &mut Harness) {
    signed_in(h);
    let mut c = conv(1, "Bea", 0);
    c.channel = Channel::Whatsapp;
    c.free_text_until = Some(h.now + Duration::minutes(5));
    converse(h, c);
    let out = h.intent(Intent::OpenChat {
        conversation: ConversationId(1),
    });
    let cid = templates_cid(&out).expect("a windowed channel reads the templates");
    h.frame(ServerFrame::Reply(Reply {
        templates: Some(vec![MessageTemplate {
            code: "recontact".into(),
            body: "Hola {name}, seguimos aquí.".into(),
        }]),
        ..Reply::new(cid)
    }));
}

#[test]
fn at_the_window_s_end_the_composer_offers_templates_and_says_why() {
    let mut h = Harness::new();
    whatsapp_on_screen(&mut h);
    let composer = chats(&h).open.unwrap().composer;
    assert!(composer.can_write && !composer.template_only);
    assert!(
        composer.templates.is_empty(),
        "free text while the window is open"
    );

    h.advance(Duration::minutes(5) - Duration::milliseconds(1));
    let composer = chats(&h).open.unwrap().composer;
    assert!(
        composer.can_write && !composer.template_only,
        "a moment before"
    );

    // The core's own deadline: nothing from the LDS, the window simply ends.
    let out = h.advance(Duration::milliseconds(1));
    assert!(
        out.contains(&Output::ViewChanged),
        "the window's end redraws"
    );
    let composer = chats(&h).open.unwrap().composer;
    assert!(!composer.can_write);
    assert!(composer.template_only);
    assert_eq!(
        composer.blocked_text.as_deref(),
        Some(
            "The customer last wrote more than 24 hours ago: WhatsApp only lets you send a \
             template. You can still add an internal note."
        )
    );
    assert_eq!(
        composer.templates,
        vec![TemplateChoice {
            code: "recontact".into(),
            text: "Hola Bea, seguimos aquí.".into()
        }]
    );

    let out = h.intent(Intent::SendChatTemplate {
        conversation: ConversationId(1),
        template: "recontact".into(),
    });
    let frames = sent(&out);
    assert!(
        matches!(frames.as_slice(), [ClientFrame::SendTemplate { template, .. }] if template == "recontact"),
        "{frames:?}"
    );
    let shown = chats(&h).open.unwrap().messages;
    let last = shown.last().expect("shown at once");
    assert_eq!(last.body, "Hola Bea, seguimos aquí.");
    assert_eq!(last.tick, ChatTick::Sending);

    let out = h.intent(Intent::SendChatTemplate {
        conversation: ConversationId(1),
        template: "nope".into(),
    });
    assert!(sent(&out).is_empty(), "an unknown template is not sent");
    assert!(h.core.view(h.now).notice.is_some());
}

#[test]
fn templates_are_read_once_and_only_for_windowed_channels() {
    let mut h = Harness::new();
    whatsapp_on_screen(&mut h);
    let mut other = conv(2, "Cai", 0);
    other.channel = Channel::Whatsapp;
    other.free_text_until = Some(h.now + Duration::hours(1));
    converse(&mut h, other);
    let out = h.intent(Intent::OpenChat {
        conversation: ConversationId(2),
    });
    assert_eq!(templates_cid(&out), None, "the team's templates are known");

    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(3, "Dan", 0));
    let out = h.intent(Intent::OpenChat {
        conversation: ConversationId(3),
    });
    assert_eq!(templates_cid(&out), None, "a web chat has no window");
    assert!(!chats(&h).open.unwrap().composer.template_only);
}

#[test]
fn tags_go_as_typed_and_show_as_the_lds_says() {
    let mut h = Harness::new();
    signed_in(&mut h);
    converse(&mut h, conv(1, "Bea", 0));
    open(&mut h, 1);
    let out = h.intent(Intent::SetChatTags {
        conversation: ConversationId(1),
        tags: vec!["VIP".into(), "<b>".into()],
    });
    let cid = match sent(&out).as_slice() {
        [ClientFrame::SetConversationTags { cid, tags, .. }] => {
            assert_eq!(tags, &["VIP".to_string(), "<b>".to_string()]);
            *cid
        }
        other => panic!("{other:?}"),
    };
    h.frame(ServerFrame::Error(ErrorFrame {
        cid: Some(cid),
        code: ErrorCode::InvalidTag,
        message: "a tag has only letters, digits, spaces, '-' and '_'".into(),
    }));
    let notice = h.core.view(h.now).notice.expect("the refusal is told");
    assert!(notice.text.starts_with("Tags not saved"), "{}", notice.text);
    assert!(chats(&h).open.unwrap().tags.is_empty());

    let mut tagged = conv(1, "Bea", 0);
    tagged.tags = vec!["follow up".into(), "vip".into()];
    converse(&mut h, tagged);
    assert_eq!(chats(&h).open.unwrap().tags, ["follow up", "vip"]);
}
