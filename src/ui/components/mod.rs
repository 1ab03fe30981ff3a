pub mod code_panel;
pub mod controls;
pub mod exports_table;
pub mod heap_chart;
pub mod pipe_view;
pub mod slider;
pub mod transport;
