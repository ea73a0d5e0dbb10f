-- The fence before a restore replaces the database (restore.sh) and before the backup test's
-- wipe: run first in the transaction that replaces the data. It takes ACCESS EXCLUSIVE locks
-- on every table of the public schema WITHOUT WAITING (NOWAIT), so it can never be one half of
-- a deadlock with a session that holds one table and asks for another (the API's job relay, a
-- worker task); a table in use makes it let go of what it took, and try again 50 times in 5
-- seconds. With shop_fence.close_sessions set to 'yes' in the transaction, every other session
-- of the database is closed (pg_terminate_backend, waiting up to 5 s for each) before each try,
-- as `dropdb --force` does; otherwise a table still in use after the tries ends the
-- transaction with an error naming the sessions that hold it, and nothing is changed.
-- Once it returns, the transaction holds every table until it ends: the sessions that come
-- meanwhile wait for it.
DO $fence$
DECLARE
    tables text;
    tries integer := 0;
    holders text;
BEGIN
    SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY tablename)
        INTO tables
        FROM pg_tables
        WHERE schemaname = 'public';
    IF tables IS NULL THEN
        RETURN;  -- an empty database: nothing to hold
    END IF;
    LOOP
        IF current_setting('shop_fence.close_sessions', true) = 'yes' THEN
            PERFORM pg_terminate_backend(pid, 5000)
                FROM pg_stat_activity
                WHERE datname = current_database()
                    AND pid <> pg_backend_pid()
                    AND backend_type = 'client backend';
        END IF;
        BEGIN
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE NOWAIT', tables);
            RETURN;
        EXCEPTION WHEN lock_not_available THEN
            tries := tries + 1;
            IF tries >= 50 THEN
                SELECT string_agg(DISTINCT format('pid %s (%s, %s)', activity.pid,
                        coalesce(nullif(activity.application_name, ''), 'no application name'),
                        activity.state), ', ')
                    INTO holders
                    FROM pg_locks AS lock
                    JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
                    JOIN pg_class AS class ON class.oid = lock.relation
                    WHERE class.relnamespace = 'public'::regnamespace
                        AND lock.pid <> pg_backend_pid();
                RAISE EXCEPTION 'the tables stay in use by other sessions: %',
                    coalesce(holders, 'sessions that came and went')
                    USING HINT = 'stop what writes to the database (the API, the worker, beat) '
                        'and try again, or close every other session of the database for it '
                        '(RESTORE_CLOSE_SESSIONS=yes)';
            END IF;
            PERFORM pg_sleep(0.1);
        END;
    END LOOP;
END
$fence$;
