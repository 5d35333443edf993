import falcon


class PriceResource:
    def on_post(self, req, resp):
        price = float(req.media.get('price'))
        resp.media = {'price': price}
