from gkdesk.domain import passwords
from gkdesk.domain.passwords import hash_password, password_problem, verify_password


def test_a_hash_checks_its_own_password_only():
    stored = hash_password("qingshan-2026")
    assert stored.startswith("scrypt$")
    assert verify_password("qingshan-2026", stored)
    assert not verify_password("qingshan-2027", stored)
    assert not verify_password("", stored)


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert hash_password("qingshan-2026") != hash_password("qingshan-2026")


def test_the_cost_travels_with_the_hash(monkeypatch):
    monkeypatch.setattr(passwords, "LOG2_N", 15)
    strong = hash_password("qingshan-2026")
    assert strong.split("$")[1] == "15"
    monkeypatch.setattr(passwords, "LOG2_N", 10)
    # Lowering the cost for new hashes does not stop old ones from checking.
    assert verify_password("qingshan-2026", strong)


def test_malformed_or_empty_hashes_never_match():
    for stored in ("", "!", "scrypt$x$8$1$AA==$AA==", "md5$abc", "scrypt$10$8$1$???$???"):
        assert not verify_password("anything", stored)


def test_password_rules_name_the_problem():
    assert "至少要有8个字符" in password_problem("abc123")
    assert "相同" in password_problem("zhangsan", "zhangsan")
    assert "连续" in password_problem("12345678")
    assert "过于简单" in password_problem("aaaaaaaa")
    assert "空格" in password_problem(" qingshan2026")
    assert password_problem("青山镇2026公开") is None
