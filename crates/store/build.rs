// The migrations are read into the binary at build time: a new or changed file must
// build the crate again.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
