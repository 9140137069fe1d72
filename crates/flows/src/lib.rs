//! Reconstitution flows: passive demand, days of volume, price impact.
