//! Queues inside a team: intake names one (by name with the team's key, or by the queue's own
//! key), only its members are offered and may take it, and the team key still feeds the
//! default queue.

use headsup_protocol::error::ErrorBody;
use headsup_protocol::lds::{Event, NewRequestResponse, ServerFrame};
use headsup_protocol::ErrorCode;
use headsup_testkit::lds::TestServer;
use lds::admin::queues;
use serde_json::json;

fn call(name: &str, queue: Option<&str>) -> serde_json::Value {
    let mut body = json!({"kind": "call_now", "customer": {"name": name}});
    if let Some(queue) = queue {
        body["queue"] = json!(queue);
    }
    body
}

#[tokio::test]
async fn a_queue_is_offered_only_to_its_members_and_fed_by_name_or_its_own_key() {
    let s = TestServer::start().await;
    let (_, team_key) = s.team("Desk", 3600).await;
    let (_, ana_token) = s.agent("Desk", "Ana").await;
    let (_, bo_token) = s.agent("Desk", "Bo").await;
    let db = s.server.db();
    let (_, vip_key) = queues::add_queue(db, "Desk", "VIP", Some(60), true)
        .await
        .unwrap();
    let vip_key = vip_key.expect("asked for its own key");
    assert!(
        queues::set_member(db, "Desk", "VIP", "bo@test.example", true)
            .await
            .unwrap()
    );
    let listed = queues::list_queues(db, "Desk").await.unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|l| (l.queue.name.as_str(), l.members))
        .collect();
    assert_eq!(names, [("default", 2), ("VIP", 1)]);

    let mut ana = s.connect(&ana_token, None).await;
    let mut bo = s.connect(&bo_token, None).await;
    let mut vip = Vec::new();
    for (key, queue, who) in [
        (&team_key, Some("VIP"), "by name"),
        (&vip_key, None, "by its own key"),
        (&vip_key, Some("VIP"), "its own key and its name"),
    ] {
        let resp = s.post(key, &call(who, queue)).await;
        assert_eq!(resp.status(), 201, "{who}");
        let request = resp.json::<NewRequestResponse>().await.unwrap().request;
        vip.push(request.id);
        let offered = bo
            .wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == request.id))
            .await
            .unwrap();
        assert!(matches!(offered, Event::Offered { .. }));
        // Ana does not serve VIP: she is not offered it and may not take it.
        let refused = ana.accept(request.id).await;
        assert!(
            matches!(&refused, ServerFrame::Error(e) if e.code == ErrorCode::NotOffered),
            "{refused:?}"
        );
        assert!(matches!(bo.accept(request.id).await, ServerFrame::Reply(_)));
        let session = bo
            .wait_event(|e| matches!(e, Event::Assigned { .. }))
            .await
            .unwrap();
        let Event::Assigned { session, .. } = session else {
            unreachable!()
        };
        bo.command(|cid| headsup_protocol::lds::ClientFrame::EndSession {
            cid,
            session: session.id,
        })
        .await
        .unwrap();
    }
    // The team's key with no queue named: the default queue, Ana's.
    let plain = s.call_now(&team_key, "Plain").await;
    ana.wait_event(|e| matches!(e, Event::Offered { request: r } if r.id == plain.id))
        .await
        .unwrap();
    // Ana never heard of the VIP customers at all: not offered, not told they were taken.
    let log = crate::status::whole_log(&s, &ana_token).await;
    let about_vip = log
        .iter()
        .filter(|e| e.request_id().is_some_and(|id| vip.contains(&id)))
        .count();
    assert_eq!(about_vip, 0, "{log:?}");
}

#[tokio::test]
async fn an_unknown_queue_is_refused_and_not_echoed() {
    let s = TestServer::start().await;
    let (_, team_key) = s.team("Desk", 3600).await;
    let (_, vip_key) = queues::add_queue(s.server.db(), "Desk", "VIP", None, true)
        .await
        .unwrap();
    let vip_key = vip_key.unwrap();
    for (key, queue) in [
        (&team_key, "<b>Nope</b>"),
        (&vip_key, "default"), // a queue's key feeds only its queue
    ] {
        let resp = s.post(key, &call("Maria", Some(queue))).await;
        assert_eq!(resp.status(), 422, "{queue}");
        let body: ErrorBody = resp.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::UnknownQueue);
        assert!(
            !body.error.message.contains(queue),
            "{}",
            body.error.message
        );
    }
}

#[tokio::test]
async fn admin_refuses_bad_names_and_agents_of_another_team() {
    let s = TestServer::start().await;
    s.team("Desk", 3600).await;
    s.team("Other", 3600).await;
    s.agent("Other", "Cy").await;
    let db = s.server.db();
    for bad in ["", " padded", "a\u{7}bell", &"x".repeat(65)] {
        assert!(
            queues::add_queue(db, "Desk", bad, None, false)
                .await
                .is_err(),
            "{bad:?}"
        );
    }
    queues::add_queue(db, "Desk", "Sales", None, false)
        .await
        .unwrap();
    assert!(
        queues::add_queue(db, "Desk", "Sales", None, false)
            .await
            .is_err(),
        "twice"
    );
    let e = queues::set_member(db, "Desk", "Sales", "cy@test.example", true)
        .await
        .unwrap_err();
    assert!(format!("{e:#}").contains("Other"), "{e:#}");
    for bad in ["Break", "no spaces", ""] {
        assert!(
            queues::put_reason(db, "Desk", bad, "Label").await.is_err(),
            "{bad:?}"
        );
    }
    queues::put_reason(db, "Desk", "coaching", "Coaching")
        .await
        .unwrap();
    let codes: Vec<_> = queues::list_reasons(db, "Desk")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(codes, ["break", "lunch", "training", "coaching"]);
}

/// The admin's commands, through the real binary: a queue with its own key, a member, a reason,
/// the team's missed-offers rule, and where each agent is.
#[test]
fn the_queue_and_reason_commands_round_trip() {
    use headsup_testkit::lds::process::cli;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("lds.db").display());
    cli(&db, &["team", "add", "--name", "Desk"], None);
    cli(
        &db,
        &[
            "agent",
            "add",
            "--email",
            "ana@x.test",
            "--name",
            "Ana",
            "--team",
            "Desk",
            "--password-stdin",
        ],
        Some("pw-123456789\n"),
    );
    let key = cli(
        &db,
        &[
            "queue",
            "add",
            "--team",
            "Desk",
            "--name",
            "VIP",
            "--own-key",
        ],
        None,
    );
    assert!(key.starts_with("intake_"), "{key}");
    cli(
        &db,
        &[
            "queue",
            "add-member",
            "--team",
            "Desk",
            "--name",
            "VIP",
            "--email",
            "ana@x.test",
        ],
        None,
    );
    cli(
        &db,
        &[
            "queue",
            "set",
            "--team",
            "Desk",
            "--name",
            "VIP",
            "--offer-timeout-secs",
            "45",
        ],
        None,
    );
    let listed = cli(&db, &["queue", "list", "--team", "Desk"], None);
    assert_eq!(
        listed,
        "default\tvoice\t120s\tring-all\t1 members\tdefault\n\
         VIP\tvoice\t45s\tring-all\t1 members\town key"
    );
    let set = ["queue", "set", "--team", "Desk", "--name", "VIP"];
    cli(
        &db,
        &[
            &set[..],
            &[
                "--distribution",
                "longest-idle",
                "--ring-secs",
                "15",
                "--channels",
                "voice,chat",
            ],
        ]
        .concat(),
        None,
    );
    let listed = cli(&db, &["queue", "list", "--team", "Desk"], None);
    assert!(
        listed.ends_with("VIP\tvoice,chat\t45s\tlongest-idle 15s\t1 members\town key"),
        "{listed}"
    );
    cli(
        &db,
        &[
            "reason", "add", "--team", "Desk", "--code", "coaching", "--label", "Coaching",
        ],
        None,
    );
    let reasons = cli(&db, &["reason", "list", "--team", "Desk"], None);
    assert!(reasons.ends_with("coaching\tCoaching"), "{reasons}");
    let rule = cli(
        &db,
        &[
            "team",
            "set",
            "--name",
            "Desk",
            "--not-ready-after-missed",
            "3",
        ],
        None,
    );
    assert_eq!(rule, "Desk: not ready after 3 missed offers");
    let rule = cli(
        &db,
        &[
            "team",
            "set",
            "--name",
            "Desk",
            "--transfer-timeout-secs",
            "120",
        ],
        None,
    );
    assert_eq!(rule, "Desk: transfers wait 120 s for their target");
    let agents = cli(&db, &["agent", "list"], None);
    assert!(agents.ends_with("\tsigned out"), "{agents}");
}

#[tokio::test]
async fn a_chat_only_queue_takes_no_calls_and_a_queue_takes_some_channel() {
    let s = TestServer::start().await;
    let (_, team_key) = s.team("Desk", 3600).await;
    let db = s.server.db();
    let (_, chat_key) = queues::add_queue(db, "Desk", "Web chat", None, true)
        .await
        .unwrap();
    let channels = |voice, chat| queues::QueueSettings {
        channels: Some(queues::Channels { voice, chat }),
        ..Default::default()
    };
    assert!(
        queues::set_queue(db, "Desk", "Web chat", channels(false, false))
            .await
            .is_err()
    );
    queues::set_queue(db, "Desk", "Web chat", channels(false, true))
        .await
        .unwrap();
    for (key, queue) in [
        (&team_key, Some("Web chat")),
        (chat_key.as_ref().unwrap(), None),
    ] {
        let resp = s.post(key, &call("Maria", queue)).await;
        assert_eq!(resp.status(), 422);
        let body: ErrorBody = resp.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::ChannelNotServed);
    }
    // Taking calls again, it is fed as before.
    queues::set_queue(db, "Desk", "Web chat", channels(true, true))
        .await
        .unwrap();
    let resp = s.post(&team_key, &call("Maria", Some("Web chat"))).await;
    assert_eq!(resp.status(), 201);
}
