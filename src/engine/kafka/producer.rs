//! The producing application and its client: events enter `buffer.memory`; a sender drains it
//! to the brokers at their ingest rate; when the buffer is full, `send()` blocks and throws
//! after `max.block.ms`. All counts, no per-record objects.

use super::params::{KafkaParams, Producer};
use crate::engine::{Millis, RateCredit};
use serde::Serialize;
use std::collections::VecDeque;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProducerState {
    /// Events the application has asked to send.
    pub generated: u64,
    /// Records in the accumulator, waiting for the sender.
    pub buffered: u64,
    /// Sends blocked on a full buffer, oldest first: (blocked since, count), one entry per second.
    pub blocked: VecDeque<(Millis, u64)>,
    /// Records the brokers have appended.
    pub sent: u64,
    /// Sends that threw after `max.block.ms` (the application lost those events).
    pub send_failures: u64,
    /// Simulated time during which at least one `send()` was blocked.
    pub blocked_ms: Millis,
    #[serde(skip)]
    credit: RateCredit,
    #[serde(skip)]
    broker_credit: RateCredit,
    /// Bytes of broker capacity carried into the next step (less than one record).
    #[serde(skip)]
    broker_carry: u64,
}

impl ProducerState {
    pub fn blocked_count(&self) -> u64 {
        self.blocked.iter().map(|b| b.1).sum()
    }

    /// The application's rate at `now`, peak included.
    pub fn rate_at(producer: &Producer, now: Millis) -> u64 {
        let peak = &producer.peak;
        let in_peak = now >= peak.start_ms && now < peak.start_ms.saturating_add(peak.duration_ms);
        producer.events_per_second * if in_peak { peak.multiplier } else { 1 }
    }

    /// One step: returns how many records reached the brokers.
    pub fn step(&mut self, params: &KafkaParams, now: Millis, dt: Millis) -> u64 {
        let producer = &params.producer;
        let record_bytes = params.topic.record_bytes;
        let mut wanted = self.credit.take(Self::rate_at(producer, now), dt);
        if let Some(max) = producer.max_events {
            wanted = wanted.min(max.saturating_sub(self.generated));
        }
        self.generated += wanted;
        if wanted > 0 {
            let second = now / 1000 * 1000;
            match self.blocked.back_mut() {
                Some(last) if last.0 / 1000 * 1000 == second => last.1 += wanted,
                _ => self.blocked.push_back((now, wanted)),
            }
        }
        // Blocked sends enter the buffer in order as space frees.
        let capacity = producer.buffer_memory / record_bytes;
        while let Some(front) = self.blocked.front_mut() {
            let room = capacity.saturating_sub(self.buffered);
            let admitted = front.1.min(room);
            front.1 -= admitted;
            self.buffered += admitted;
            if front.1 > 0 {
                break;
            }
            self.blocked.pop_front();
        }
        // Those still blocked past max.block.ms throw.
        while let Some(&(since, count)) = self.blocked.front() {
            if now - since < producer.max_block_ms.max(1) {
                break;
            }
            self.send_failures += count;
            self.blocked.pop_front();
        }
        if !self.blocked.is_empty() {
            self.blocked_ms += dt;
        }
        // The sender: as much as the brokers take.
        let bytes = self.broker_carry + self.broker_credit.take(producer.broker_bytes_per_second, dt);
        let sent = (bytes / record_bytes).min(self.buffered);
        self.broker_carry = if sent == self.buffered { 0 } else { bytes - sent * record_bytes };
        self.broker_carry = self.broker_carry.min(record_bytes);
        self.buffered -= sent;
        self.sent += sent;
        sent
    }
}
