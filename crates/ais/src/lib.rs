//! Pure NMEA 0183 / AIS decoder.
