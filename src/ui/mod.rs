//! The browser front end: Yew function components over the engine, one widget per scenario.
//! Each widget's state changes go through its own reducer (`node::state`), which hands the
//! transport actions to the run they share ([`run`]); the animation-frame loop lives in [`hooks`].

mod crash;
mod embed;
mod frame;
pub mod hooks;
pub mod kafka;
pub mod link;
pub mod node;
pub mod sqs;
mod story;
pub mod run;
pub mod twin;
pub mod widgets;

use crate::engine::node::COST_MODEL;
use kafka::KafkaWidget;
use node::NodeWidget;
use sqs::SqsWidget;
use yew::prelude::*;

/// Mounts the app into `#app`.
pub fn start() {
    crash::install();
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
    ("AWS Lambda: using Lambda with Amazon SQS (event source mapping parameters)", "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html"),
    ("AWS Lambda: how Lambda scales SQS event source mappings", "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"),
    ("AWS Lambda: handling errors for an SQS event source (partial batch responses)", "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html"),
    ("Amazon SQS: configuring a queue to trigger a Lambda function (visibility timeout ≥ 6 × timeout)", "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html"),
    ("Amazon SQS: visibility timeout", "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html"),
    ("aws-samples/aws-lambda-amazon-sqs-max-concurrency: reserved concurrency vs MaximumConcurrency", "https://github.com/aws-samples/aws-lambda-amazon-sqs-max-concurrency"),
    ("PostgreSQL: max_connections and superuser_reserved_connections", "https://www.postgresql.org/docs/current/runtime-config-connection.html"),
    ("Amazon RDS Proxy", "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html"),
];

/// The widgets, by their names in links (`w`).
const WIDGETS: &[&str] = &["node", "kafka", "sqs"];

#[function_component]
pub fn App() -> Html {
    let pairs = link::query_pairs();
    let widget = link::linked_widget(&pairs);
    if let Some(notice) = page_notice(&pairs, widget) {
        return html! {
            <>
                <p class="notice" role="status">{ notice }</p>
                <Page />
            </>
        };
    }
    if !link::is_embed(&pairs) {
        return html! { <Page /> };
    }
    match widget {
        Some("kafka") => html! {
            <embed::Embed widget="kafka" title="Kafka: a log between services, read at each group's own pace">
                <KafkaWidget />
            </embed::Embed>
        },
        Some("sqs") => html! {
            <embed::Embed widget="sqs" title="SQS + Lambda: a campaign, a hundred connections, and a cap">
                <SqsWidget />
            </embed::Embed>
        },
        _ => html! {
            <embed::Embed widget="node" title="Node.js streams: a Postgres cursor into a slow HTTP client">
                <NodeWidget />
            </embed::Embed>
        },
    }
}

/// What the page says when its own keys (`w`, the panic drill) name no widget: it then shows the
/// whole playground.
fn page_notice(pairs: &[(String, String)], widget: Option<&str>) -> Option<String> {
    if let Some(other) = widget.filter(|w| !WIDGETS.contains(w)) {
        return Some(format!("There is no widget called “{other}” (there are node, kafka and sqs); showing the whole playground."));
    }
    let (_, other) = pairs.iter().find(|(k, v)| k == crash::DRILL_KEY && !WIDGETS.contains(&v.as_str()))?;
    Some(format!("The {}= drill names no widget: “{other}” (there are node, kafka and sqs); nothing was made to fail.", crash::DRILL_KEY))
}

/// A link to one widget's state opens the page at that widget's section, not at the top.
fn scroll_to_linked_widget() {
    let pairs = link::query_pairs();
    let Some(widget) = link::linked_widget(&pairs) else { return };
    if let Some(section) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(widget)) {
        section.scroll_into_view();
    }
}

/// The explorable page: every system in order, with its lead-in and sources.
#[function_component]
fn Page() -> Html {
    use_effect_with((), |()| scroll_to_linked_widget());
    html! {
        <main class="playground">
            <header>
                <p class="kicker">{ "Backpressure Playground" }</p>
                { story::introduction() }
            </header>
            <section class="system" id="node" aria-labelledby="node-title">
                <p class="kicker">{ "1 of 3 · one process" }</p>
                <h2 id="node-title">{ "Node.js streams: a Postgres cursor into a slow HTTP client" }</h2>
                <p class="lead">
                    { "An export streams millions of rows from Postgres to a browser that downloads at 1 MB/s. \
                       Postgres is far faster than the client, so the difference has to wait somewhere. Ignore the \
                       signal that says \u{201c}full\u{201d} and it waits in the heap until the process dies; honour it and \
                       the slow client sets the pace all the way back to the database." }
                </p>
                <NodeWidget />
            </section>
            <section class="system" id="kafka" aria-labelledby="kafka-title">
                <p class="kicker">{ "2 of 3 · between services" }</p>
                <h2 id="kafka-title">{ "Kafka: a log between services, read at each group's own pace" }</h2>
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
            <section class="system" id="sqs" aria-labelledby="sqs-title">
                <p class="kicker">{ "3 of 3 · many tasks" }</p>
                <h2 id="sqs-title">{ "SQS + Lambda: a campaign, a hundred connections, and a cap" }</h2>
                <p class="lead">
                    { "Each uploaded image becomes a message; a Lambda function resizes it and writes a row to Postgres. \
                       When a campaign multiplies the traffic a thousandfold, the event source mapping keeps adding \
                       pollers, every new invocation asks Postgres for a connection, and Postgres only has a hundred. \
                       The refused invocations hand their messages back to the queue, which returns them when the \
                       visibility timeout runs out, all at once. Cap the consumer and the same messages simply wait \
                       their turn in the queue, which is what a queue is for." }
                </p>
                <SqsWidget />
            </section>
            { story::fan_out_comparison() }
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
