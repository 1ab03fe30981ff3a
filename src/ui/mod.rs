//! The browser front end: Yew function components over the engine, one widget per scenario.
//! Each widget's state changes go through its own reducer (`node::state`); the animation-frame
//! loop lives in [`hooks`].

pub mod hooks;
pub mod kafka;
pub mod node;
pub mod widgets;

use crate::engine::node::COST_MODEL;
use kafka::KafkaWidget;
use node::NodeWidget;
use yew::prelude::*;

/// Mounts the app into `#app`.
pub fn start() {
    console_error_panic_hook::set_once();
    let root = mount_point();
    yew::Renderer::<App>::with_root(root).render();
}

fn mount_point() -> web_sys::Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    document.get_element_by_id("app").or_else(|| document.body().map(Into::into)).expect("an #app element or a body")
}

const SOURCES: &[(&str, &str)] = &[
    ("Node.js stream docs: writable.write(), 'drain', highWaterMark", "https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback"),
    ("Node.js guide: Backpressuring in Streams", "https://nodejs.org/en/learn/modules/backpressuring-in-streams"),
    ("nodejs/node#52037: default highWaterMark 64 KiB in Node 22", "https://github.com/nodejs/node/pull/52037"),
    ("pg-query-stream: cursor batches of batchSize rows", "https://github.com/brianc/node-postgres/tree/master/packages/pg-query-stream"),
    ("nodejs/node#39144: write loop → heap out of memory at ~2 GB", "https://github.com/nodejs/node/issues/39144"),
    ("knex/knex#484: a source ignoring backpressure → OOM killer", "https://github.com/knex/knex/issues/484"),
    ("Kafka consumer configs: max.poll.records, max.poll.interval.ms, session.timeout.ms", "https://kafka.apache.org/documentation/#consumerconfigs"),
    ("Kafka producer configs: buffer.memory, max.block.ms", "https://kafka.apache.org/documentation/#producerconfigs"),
    ("Kafka topic configs: retention.ms, retention.bytes, segment.bytes", "https://kafka.apache.org/documentation/#topicconfigs"),
    ("KafkaJS: consuming, eachBatch, heartbeat, pause and resume", "https://kafka.js.org/docs/consuming"),
    ("aio-libs/aiokafka#848: processing longer than max.poll.interval.ms loops forever", "https://github.com/aio-libs/aiokafka/issues/848"),
    ("tulios/kafkajs#447: a handler longer than sessionTimeout → rebalance", "https://github.com/tulios/kafkajs/issues/447"),
    ("spring-projects/spring-kafka#742: the same batch over and over", "https://github.com/spring-projects/spring-kafka/issues/742"),
];

#[function_component]
pub fn App() -> Html {
    html! {
        <main class="playground">
            <header>
                <p class="kicker">{ "Backpressure Playground · 1 of 3" }</p>
                <h1>{ "Node.js streams: a Postgres cursor into a slow HTTP client" }</h1>
                <p class="lead">
                    { "An export streams millions of rows from Postgres to a browser that downloads at 1 MB/s. \
                       Postgres is far faster than the client, so the difference has to wait somewhere. Ignore the \
                       signal that says \u{201c}full\u{201d} and it waits in the heap until the process dies; honour it and \
                       the slow client sets the pace all the way back to the database." }
                </p>
            </header>
            <NodeWidget />
            <section class="kafka-section" aria-labelledby="kafka-title">
                <h2 id="kafka-title">{ "2 · Kafka: a log between services, read at each group's own pace" }</h2>
                <p class="lead">
                    { "Here the producer never waits for its readers. Every event is appended to a partitioned log and \
                       kept there; each consumer group keeps its own bookmark (the committed offset) and moves it as fast \
                       as it can. A 10× burst does not break anything: it shows up as lag, the distance between the end of \
                       the log and a group's bookmark, and shrinks again once the burst is over. Pausing is safe because \
                       the events wait in the log. What does hurt is a consumer that stays away from poll() longer than \
                       its deadline: the group throws it out, hands its partitions to someone else, and the records since \
                       its last commit are processed twice." }
                </p>
                <KafkaWidget />
            </section>
            <footer>
                <details>
                    <summary>{ "How memory is counted" }</summary>
                    <p>{ COST_MODEL }</p>
                </details>
                <details>
                    <summary>{ "How the simulation runs" }</summary>
                    <p>{ "A deterministic engine in Rust, compiled to WebAssembly, advances in fixed 1 ms steps of \
                          simulated time with one seeded random generator, so the same parameters and seed give the \
                          same run at any speed or frame rate. The bpsim command-line tool runs the same engine." }</p>
                </details>
                <p class="sources-title">{ "Sources" }</p>
                <ul class="sources">
                    { for SOURCES.iter().map(|(title, href)| html! { <li><a href={*href} rel="noopener">{ *title }</a></li> }) }
                </ul>
            </footer>
        </main>
    }
}
