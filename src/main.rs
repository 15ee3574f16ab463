fn main() {
    std::process::exit(ccmon::cli::main());
}
