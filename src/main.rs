//! The `azrbac` binary: a thin shell over the library's command-line layer.

fn main() {
    std::process::exit(azrbac::cli::run(std::env::args_os()));
}
