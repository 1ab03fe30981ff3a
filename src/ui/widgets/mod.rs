//! Pieces every scenario's widget uses.

pub mod data_table;
pub mod laws;
pub mod link_bar;
pub mod narration;
pub mod notice_bar;
pub mod positions;
pub mod slider;
pub mod timeline_bar;
pub mod twin_panel;
pub mod transport;
