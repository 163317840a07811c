//! `trade-explorer`: opens the window, or runs `check` without one.

use std::process::ExitCode;

use clap::Parser;
use eframe::egui;
use trade_explorer::TradeApp;
use trade_explorer::cli::{Cli, Command, run_check, run_convert, run_indicators};

const ICON_PNG: &[u8] = include_bytes!("../assets/icon.png");

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // clap prints help, version and usage errors itself and exits with 0 or 2.
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { json, files }) => {
            let mut out = std::io::stdout().lock();
            ExitCode::from(run_check(&files, json, &mut out) as u8)
        }
        Some(Command::Convert {
            input,
            output,
            copy_rows,
            pair_totals,
        }) => {
            let mut out = std::io::stdout().lock();
            let status = run_convert(&input, &output, copy_rows, pair_totals, &mut out);
            ExitCode::from(status as u8)
        }
        Some(Command::Indicators(args)) => {
            let mut out = std::io::stdout().lock();
            ExitCode::from(run_indicators(&args, &mut out) as u8)
        }
        None => run_window(cli.file),
    }
}

fn run_window(file: Option<std::path::PathBuf>) -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Trade Explorer")
        .with_app_id(trade_explorer::app::APP_ID)
        .with_inner_size(trade_explorer::app::DEFAULT_WINDOW)
        .with_min_inner_size(trade_explorer::app::MIN_WINDOW)
        .with_drag_and_drop(true);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(err) => log::warn!("could not decode the app icon: {err}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Trade Explorer",
        options,
        Box::new(move |cc| Ok(Box::new(TradeApp::new(cc, file)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "trade-explorer: could not open a window: {err}\n\
                 The app needs a graphical session with OpenGL or Vulkan (see README.md)."
            );
            ExitCode::FAILURE
        }
    }
}
