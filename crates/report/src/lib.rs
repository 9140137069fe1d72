//! A self-contained offline HTML report of rankday's results.
