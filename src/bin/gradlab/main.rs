//! `gradlab`: reproduce the numbers of Chapter 5 of Nielsen's *Neural Networks and Deep
//! Learning* from the command line. Every subcommand prints a table beside the book's
//! numbers and writes CSV plus an SVG chart into `--out` (default `out/`).
//!
//! This file is the shell: it reads files, parses flags, prints and draws a progress
//! bar. All the maths is in the library.

// The command line is native only; the crate's wasm build gets an empty binary.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod compare;
#[cfg(not(target_arch = "wasm32"))]
mod cures;
#[cfg(not(target_arch = "wasm32"))]
mod inside;
#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
mod ratios;
