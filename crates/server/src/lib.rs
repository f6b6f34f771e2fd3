//! The HTTP API and web interface.
