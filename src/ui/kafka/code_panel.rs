//! The consumer loop in both clients, written for this project, with the line that is acting
//! for the first busy member of the first group highlighted.

use super::state::KafkaPlayground;
use crate::engine::kafka::{Client, EventSource, GroupEvent, MemberState};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acting {
    Fetch,
    Process,
    Heartbeat,
    Pause,
    Resume,
    Commit,
    CommitFails,
    Join,
}

impl Acting {
    /// The `data-acting` value: which line of the loop is running, for tests and readers of the DOM.
    fn name(self) -> &'static str {
        match self {
            Acting::Fetch => "fetch",
            Acting::Process => "process",
            Acting::Heartbeat => "heartbeat",
            Acting::Pause => "pause",
            Acting::Resume => "resume",
            Acting::Commit => "commit",
            Acting::CommitFails => "commitfails",
            Acting::Join => "join",
        }
    }
}

const JAVA: &[(&str, Option<Acting>)] = &[
    ("while (running) {", None),
    ("  // joins the group here when a rebalance is on", Some(Acting::Join)),
    ("  var records = consumer.poll(Duration.ofMillis(500));  // ≤ max.poll.records", Some(Acting::Fetch)),
    ("  for (var record : records) {", None),
    ("    db.write(record);                 // the clock to max.poll.interval.ms runs", Some(Acting::Process)),
    ("    if (db.isOverwhelmed() && consumer.paused().isEmpty())", None),
    ("      consumer.pause(consumer.assignment());  // from the next poll()", Some(Acting::Pause)),
    ("  }", None),
    ("  if (cooldownOver(30_000)) consumer.resume(consumer.paused());", Some(Acting::Resume)),
    ("  consumer.commitSync();  // or enable.auto.commit inside poll()", Some(Acting::Commit)),
    ("}  // CommitFailedException if the group moved on without us", Some(Acting::CommitFails)),
];

const KAFKAJS: &[(&str, Option<Acting>)] = &[
    ("await consumer.run({", None),
    ("  eachBatch: async ({ batch, resolveOffset, heartbeat, pause }) => {", Some(Acting::Fetch)),
    ("    for (const message of batch.messages) {", None),
    ("      await db.write(message);   // no heartbeat while this awaits", Some(Acting::Process)),
    ("      resolveOffset(message.offset);", None),
    ("      await heartbeat();         // between messages (or on a timer)", Some(Acting::Heartbeat)),
    ("      if (await db.isOverwhelmed() && !paused) {", None),
    ("        const resume = pause();  // the rest of this batch still runs", Some(Acting::Pause)),
    ("        setTimeout(resume, 30_000);", Some(Acting::Resume)),
    ("      }", None),
    ("    }", None),
    ("  },  // autoCommit: resolved offsets are committed", Some(Acting::Commit)),
    ("});   // REBALANCE_IN_PROGRESS: rejoin, batch comes again", Some(Acting::CommitFails)),
];

/// What the first member with something to do in group 0 is doing now.
pub fn acting(state: &KafkaPlayground) -> Acting {
    let sim = &state.run.sim;
    let now = sim.now();
    let Some(group) = sim.groups().first() else { return Acting::Fetch };
    let params = &sim.params().groups[0];
    let recent = |wanted: fn(&GroupEvent) -> bool| {
        sim.recent_events().rev().take_while(|e| now - e.at_ms < 1_000).any(|e| matches!(e.source, EventSource::Group { group: 0, event } if wanted(&event)))
    };
    if recent(|e| matches!(e, GroupEvent::CommitFailed { .. })) {
        return Acting::CommitFails;
    }
    if group.is_rebalancing() {
        return Acting::Join;
    }
    let member = group.members.iter().find(|m| m.state == MemberState::Active && !m.assigned.is_empty());
    let Some(member) = member else { return Acting::Join };
    if recent(|e| matches!(e, GroupEvent::Resumed { .. })) {
        return Acting::Resume;
    }
    if member.paused_until.is_some_and(|u| u > now) {
        return Acting::Pause;
    }
    match &member.batch {
        Some(_) if params.client == Client::Kafkajs && params.heartbeat_in_each_batch && now % 3_000 < 300 => Acting::Heartbeat,
        Some(_) => Acting::Process,
        None if now - member.last_commit < 300 => Acting::Commit,
        None => Acting::Fetch,
    }
}

fn snippet(title: &str, lines: &[(&str, Option<Acting>)], active: bool, acting: Acting) -> Html {
    html! {
        <figure class={classes!("code", active.then_some("active"))} aria-current={active.then_some("true")}>
            <figcaption>{ title }{ if active { " — running" } else { "" } }</figcaption>
            <pre tabindex="0" aria-label={format!("{title} (code)")}><code>
                { for lines.iter().map(|&(text, marker)| {
                    let lit = active && marker == Some(acting);
                    html! { <span class={classes!("line", lit.then_some("acting"), (lit && acting == Acting::CommitFails).then_some("failing"))}>{ text }{ "\n" }</span> }
                }) }
            </code></pre>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct CodePanelProps {
    pub state: Rc<KafkaPlayground>,
}

#[function_component]
pub fn CodePanel(props: &CodePanelProps) -> Html {
    let client = props.state.run.sim.params().groups.first().map(|g| g.client).unwrap_or(Client::Java);
    let acting = acting(&props.state);
    html! {
        <div class="code-panel kafka-code" data-acting={acting.name()}>
            { snippet("Java: the poll loop", JAVA, client == Client::Java, acting) }
            { snippet("KafkaJS: eachBatch with pause/resume", KAFKAJS, client == Client::Kafkajs, acting) }
        </div>
    }
}
