-- The query catalogue of the Orleans 10 ADO.NET providers (clustering, grain storage, reminders).
--
-- Each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery` once at start-up and from then on executes only the
-- texts it finds here, with named parameters (@ServiceId, @GrainId, ...). The identifiers in that SELECT are unquoted,
-- so PostgreSQL folds them to lower case: this table and its two columns must keep these names. Everything else
-- (tables, columns, the SQL of each query) is SilentCert's own and may change in later migrations, as long as each
-- QueryKey keeps receiving the same parameters and returning the same result columns (see 0002-0004).
--
-- The Orleans packages 10.x ship no SQL; 0002, 0003 and 0004 insert the rows of the three providers.
create table OrleansQuery (
  QueryKey text primary key,
  QueryText text not null
);
