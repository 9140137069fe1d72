//! Index calculation: divisor-continuous price, total and net return levels through corporate actions.
