from tenants.standard_models import version_key


def test_a_later_standard_model_version_sorts_after_an_earlier_one_with_fewer_digits():
    versions = ["2026.10", "2026.2", "2027.1", "2026.1"]
    assert sorted(versions, key=version_key) == ["2026.1", "2026.2", "2026.10", "2027.1"]
