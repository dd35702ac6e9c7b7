<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>تماس با ما</title>
</head>
<body class="">
<header><div class="today">امروز: جمعه ۱۳ آذر ۱۴۰۵</div><nav><ul><li><a href="/">صفحه اصلی</a></li><li><a href="/">اخبار شهری</a></li><li><a href="/about.php">درباره ما</a></li><li><a href="/gallery.php">گالری تصاویر</a></li><li><a href="/contact.php">تماس با ما</a></li></ul></nav></header>
<main id="content">
<h1>تماس با ما</h1><form><input name='name'><textarea name='message'></textarea><button>ارسال</button></form><p>تلفن: ۰۱۳۳۳۳۳۳۳۳۳</p>
</main>

<footer><p>تمامی حقوق برای روابط عمومی شهرداری محفوظ است.</p></footer>
</body></html>
