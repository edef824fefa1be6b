def test_start_page_renders_in_norwegian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nb" dir="ltr">' in response.get_data(as_text=True)
