"""/readyz answers "ready" only while the database can write."""

from django.db import connection, transaction
from django.test import Client


def test_ready_while_the_database_can_write(db):
    response = Client(HTTP_HOST="10.0.0.7").get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_not_ready_while_the_session_is_read_only(db):
    with transaction.atomic():  # a savepoint: its rollback ends the read-only mode again
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL transaction_read_only = on")
        response = Client(HTTP_HOST="10.0.0.7").get("/readyz")
        transaction.set_rollback(True)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "error": "read_only"}
    assert Client(HTTP_HOST="10.0.0.7").get("/readyz").status_code == 200
