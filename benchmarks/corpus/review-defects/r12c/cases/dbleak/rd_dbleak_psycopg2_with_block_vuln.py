import psycopg2


def archive(dsn, order_id):
    with psycopg2.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("UPDATE orders SET archived = true WHERE id = %s", (order_id,))
