//! The page's own words around the widgets: the idea that ties the three systems together,
//! and how SNS → SQS fan-out differs from Kafka's consumer groups.

use yew::prelude::*;

/// Who pushes back in each system, and where the waiting work goes.
const PUSHBACK: &[(&str, &str, &str, &str)] = &[
    (
        "Node.js streams",
        "the caller: write() returns false, the source pauses",
        "a few KiB of buffer per stream, then the database waits",
        "one process: memory is the only place to wait",
    ),
    (
        "Kafka",
        "the consumer: it pauses its partitions, the producer never waits",
        "the log, on disk, for as long as retention allows",
        "many readers at their own pace; lag is the warning",
    ),
    (
        "SQS + Lambda",
        "the event source: it caps how many functions run at once",
        "the queue, until the message's retention runs out",
        "one task per message, deleted when done",
    ),
];

pub fn introduction() -> Html {
    html! {
        <section class="story intro" aria-labelledby="intro-title">
            <h1 id="intro-title">{ "Backpressure, three ways" }</h1>
            <p class="lead">
                { "When work arrives faster than it can be finished, the difference has to wait somewhere. \
                   Backpressure is the consumer telling the producer to slow down before that somewhere \
                   overflows. Each system below runs live in your browser on a deterministic engine: change \
                   a number and watch where the waiting goes, and what breaks when nothing pushes back." }
            </p>
            <table class="pushback">
                <caption>{ "Who pushes back, and where the waiting work goes" }</caption>
                <thead><tr>
                    <th scope="col">{ "system" }</th><th scope="col">{ "who pushes back" }</th>
                    <th scope="col">{ "where work waits" }</th><th scope="col">{ "shape" }</th>
                </tr></thead>
                <tbody>
                    { for PUSHBACK.iter().map(|(system, who, waits, shape)| html! {
                        <tr><th scope="row">{ *system }</th><td>{ *who }</td><td>{ *waits }</td><td>{ *shape }</td></tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}

pub fn fan_out_comparison() -> Html {
    html! {
        <section class="story" aria-labelledby="fanout-title">
            <h2 id="fanout-title">{ "Fan-out: SNS → SQS is not a consumer group" }</h2>
            <p>
                { "Both can deliver one event to several services, which is where the resemblance ends. With \
                   SNS in front of SQS, every subscriber gets its own queue and its own copy of each message; a \
                   copy is deleted once that subscriber handles it, and nobody can read it again. With Kafka, \
                   there is one log, kept for its retention period; each consumer group keeps only an offset \
                   into it, so a new group can start from the beginning and a group can rewind to replay." }
            </p>
            <table class="pushback">
                <caption>{ "Three subscribers, one million events" }</caption>
                <thead><tr><th scope="col"></th><th scope="col">{ "SNS → SQS" }</th><th scope="col">{ "Kafka" }</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{ "copies stored" }</th><td>{ "one per subscriber queue: 3 million" }</td><td>{ "one log: 1 million" }</td></tr>
                    <tr><th scope="row">{ "each reader keeps" }</th><td>{ "its own queue of messages" }</td><td>{ "an offset per partition" }</td></tr>
                    <tr><th scope="row">{ "after processing" }</th><td>{ "the message is deleted" }</td><td>{ "the record stays until retention" }</td></tr>
                    <tr><th scope="row">{ "replay, a new reader" }</th><td>{ "not possible; a new queue sees only new messages" }</td><td>{ "reset the offset; start from the earliest record" }</td></tr>
                    <tr><th scope="row">{ "a slow reader" }</th><td>{ "its queue grows; others are unaffected" }</td><td>{ "its lag grows; others are unaffected" }</td></tr>
                    <tr><th scope="row">{ "order" }</th><td>{ "best-effort (standard queues)" }</td><td>{ "per partition" }</td></tr>
                </tbody>
            </table>
        </section>
    }
}
