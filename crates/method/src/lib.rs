//! The Russell US construction rules: eligibility, company caps, ranking, banding, float, reconstitution.
