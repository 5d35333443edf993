from flask import Blueprint
from flask_login import login_required

bp = Blueprint('projects', __name__)


@bp.post('/projects')
@login_required
def create_project():
    return 'created', 201


@bp.delete('/projects/<int:item_id>')
@login_required
def delete_project(item_id):
    return '', 204


@bp.route('/projects/<int:item_id>', methods=['PATCH'])
def rename_project(item_id):
    return 'renamed'
