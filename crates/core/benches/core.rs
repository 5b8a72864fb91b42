//! How fast the core digests events, and what a queue of 10,000 pending requests costs in time
//! (insert, take, resync, render) and memory. Figures go in docs/performance.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use headsup_core::{Core, Input, SavedState};
use headsup_protocol::lds::{
    Event, EventFrame, LoginResponse, ServerFrame, Snapshot, Welcome, PROTOCOL_VERSION,
};
use headsup_protocol::model::{AgentInfo, AgentRef, Customer, Request, RequestKind, RequestState};
use headsup_protocol::view::Intent;
use headsup_protocol::{AgentId, RequestId, TeamId};

/// Counts live heap bytes, to report what the 10,000-request queue holds.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const N: i64 = 10_000;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn agent() -> AgentInfo {
    AgentInfo {
        id: AgentId(7),
        email: "ana@example.com".into(),
        name: "Ana".into(),
        team: TeamId(1),
        team_name: "Sales".into(),
        time_zone: "Europe/Madrid".into(),
    }
}

fn request(id: i64) -> Request {
    Request {
        contact: None,
        id: RequestId(id),
        team: TeamId(1),
        kind: RequestKind::CallNow,
        customer: Customer {
            name: Some(format!("Customer {id}")),
            phone: Some("+34 600 123 456".into()),
        },
        created_at: t0() + Duration::milliseconds(id),
        due_at: None,
        for_agent: None,
        state: RequestState::Pending,
        expires_at: None,
        transfer_from: None,
    }
}

fn drain(core: &mut Core) {
    while let Some(o) = core.poll() {
        black_box(o);
    }
}

/// A signed-in, synced core holding `requests`.
fn synced(requests: Vec<Request>) -> Core {
    let now = t0();
    let mut core = Core::new("bench", SavedState::default(), 1);
    core.handle(Input::TokenLoaded(None), now);
    core.handle(
        Input::Intent(Intent::SubmitEmail {
            email: "ana@example.com".into(),
        }),
        now,
    );
    core.handle(
        Input::Intent(Intent::SubmitPassword {
            password: "pw".into(),
        }),
        now,
    );
    core.handle(
        Input::LoginFinished(Ok(LoginResponse {
            token: "t".into(),
            expires_at: now + Duration::days(1),
            agent: agent(),
        })),
        now,
    );
    core.handle(Input::Connected, now);
    let welcome = ServerFrame::Welcome(Welcome {
        agent: agent(),
        protocol: PROTOCOL_VERSION,
        resumed: false,
        head_seq: 1,
        server_time: now,
        heartbeat_secs: 10,
        status_reasons: Vec::new(),
    });
    core.handle(Input::Frame(Box::new(welcome)), now);
    core.handle(
        Input::Frame(Box::new(ServerFrame::Snapshot(Snapshot {
            seq: 1,
            requests,
            session: None,
            status: Default::default(),
        }))),
        now,
    );
    drain(&mut core);
    core
}

fn offers(from_seq: u64) -> Vec<ServerFrame> {
    (1..=N)
        .map(|id| {
            ServerFrame::Event(EventFrame {
                seq: from_seq + id as u64,
                at: t0(),
                event: Event::Offered {
                    request: request(id),
                },
            })
        })
        .collect()
}

fn takes(from_seq: u64) -> Vec<ServerFrame> {
    let by = AgentRef {
        id: AgentId(9),
        name: "Bo".into(),
    };
    (1..=N)
        .map(|id| {
            ServerFrame::Event(EventFrame {
                seq: from_seq + id as u64,
                at: t0(),
                event: Event::Taken {
                    request: RequestId(id),
                    by: by.clone(),
                },
            })
        })
        .collect()
}

fn feed(core: &mut Core, frames: Vec<ServerFrame>) {
    let now = t0();
    for f in frames {
        core.handle(Input::Frame(Box::new(f)), now);
        drain(core);
        black_box(core.poll_timeout());
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("insert (offer events)", |b| {
        b.iter_batched(
            || (synced(vec![]), offers(1)),
            |(mut core, f)| feed(&mut core, f),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("take (taken events)", |b| {
        b.iter_batched(
            || {
                let mut core = synced(vec![]);
                feed(&mut core, offers(1));
                (core, takes(1 + N as u64))
            },
            |(mut core, f)| feed(&mut core, f),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("resync (snapshot)", |b| {
        b.iter_batched(
            || {
                (
                    synced((1..=N).map(request).collect()),
                    (1..=N).map(request).collect::<Vec<_>>(),
                )
            },
            |(mut core, requests)| {
                core.handle(
                    Input::Frame(Box::new(ServerFrame::Snapshot(Snapshot {
                        seq: 5,
                        requests,
                        session: None,
                        status: Default::default(),
                    }))),
                    t0(),
                );
                drain(&mut core);
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("view (render 10k rows)", |b| {
        let core = synced((1..=N).map(request).collect());
        b.iter(|| black_box(core.view(t0())))
    });
    g.finish();

    // What the driver does per change with a long queue: one offer in, the view's patch out as
    // JSON (what the shell emits). The queue grows by one per iteration, from 10,000.
    let mut g = c.benchmark_group("view_stream_10k");
    g.sample_size(10);
    g.bench_function("one offer among 10k: view_update + JSON", |b| {
        let mut core = synced((1..=N).map(request).collect());
        black_box(core.view_update(t0()));
        let mut seq = 1;
        b.iter(|| {
            seq += 1;
            core.handle(
                Input::Frame(Box::new(ServerFrame::Event(EventFrame {
                    seq,
                    at: t0(),
                    event: Event::Offered {
                        request: request(N + seq as i64),
                    },
                }))),
                t0(),
            );
            drain(&mut core);
            let update = core.view_update(t0()).expect("a patch");
            black_box(serde_json::to_string(&update).unwrap())
        })
    });
    g.finish();

    // Memory held by a core with 10,000 pending requests (all notified), printed once.
    let before = LIVE.load(Ordering::Relaxed);
    let requests: Vec<Request> = (1..=N).map(request).collect();
    let core = synced(requests);
    let after = LIVE.load(Ordering::Relaxed);
    println!(
        "memory: core with {N} pending requests holds {} KiB",
        (after - before) / 1024
    );
    drop(core);
}

criterion_group!(benches, bench);
criterion_main!(benches);
