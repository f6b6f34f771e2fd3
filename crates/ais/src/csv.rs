//! Rows in the NOAA MarineCadastre AIS columns.
