from flask import Blueprint
from flask_login import login_required

bp = Blueprint('tokens', __name__)


@bp.post('/tokens')
@login_required
def create_token():
    return 'created', 201


@bp.delete('/tokens/<int:item_id>')
@login_required
def delete_token(item_id):
    return '', 204


@bp.route('/tokens/<int:item_id>', methods=['PATCH'])
@login_required
def rename_token(item_id):
    return 'renamed'
