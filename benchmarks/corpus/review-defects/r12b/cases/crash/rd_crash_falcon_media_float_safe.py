import falcon


class PriceResource:
    def on_post(self, req, resp):
        try:
            price = float(req.media.get('price'))
        except (TypeError, ValueError):
            raise falcon.HTTPBadRequest(title='bad price')
        resp.media = {'price': price}
