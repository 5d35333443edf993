import os


class ImageCache:
    def __init__(self, root):
        self.root = root

    def ensure(self, bucket):
        directory = os.path.join(self.root, bucket)
        if not os.path.isdir(directory):
            os.makedirs(directory)
        return directory
